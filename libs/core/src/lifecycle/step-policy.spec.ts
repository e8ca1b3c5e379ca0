import { describe, expect, it } from 'vitest';
import type { PlannedStep } from './lifecycle-step';
import { DEFAULT_STEP_TIMEOUTS, longestStepTimeoutMs, resolveStepTimeouts, stepTimeoutMs } from './step-policy';
import { TEST_TYPES } from './testing/application.fixture';

const provisionDb: PlannedStep = {
  id: 'provision:db',
  action: 'provision',
  type: 'rds',
  dependsOn: [],
  description: '',
};

describe('step timeouts', () => {
  it("takes each type's deadline from its descriptor and lets a deployment override it", () => {
    expect(stepTimeoutMs(provisionDb, resolveStepTimeouts({}, TEST_TYPES))).toBe(40 * 60_000);
    const timeouts = resolveStepTimeouts({ byType: { rds: 90 * 60_000 } }, TEST_TYPES);
    expect(timeouts.byType.rds).toBe(90 * 60_000);
    expect(timeouts.byType.oss).toBe(5 * 60_000);
    expect(timeouts.defaultMs).toBe(DEFAULT_STEP_TIMEOUTS.defaultMs);
    expect(stepTimeoutMs(provisionDb, timeouts)).toBe(90 * 60_000);
  });

  it('gives a type whose descriptor names no deadline the default one', () => {
    const timeouts = resolveStepTimeouts({}, TEST_TYPES);
    expect(stepTimeoutMs({ ...provisionDb, type: 'vpc' }, timeouts)).toBe(DEFAULT_STEP_TIMEOUTS.defaultMs);
  });

  it('names the longest deadline of any step: the slowest type by default, or whatever a deployment raises', () => {
    expect(longestStepTimeoutMs(resolveStepTimeouts({}, TEST_TYPES))).toBe(40 * 60_000);
    expect(longestStepTimeoutMs(resolveStepTimeouts({ byAction: { finalize: 3 * 3_600_000 } }))).toBe(3 * 3_600_000);
    expect(longestStepTimeoutMs(resolveStepTimeouts({ defaultMs: 5 * 3_600_000 }))).toBe(5 * 3_600_000);
  });
});
