import { describe, expect, it } from 'vitest';
import { DEFAULT_STEP_TIMEOUTS, longestStepTimeoutMs, resolveStepTimeouts, stepTimeoutMs } from './step-policy';

describe('step timeouts', () => {
  it('fills in the defaults for what a deployment leaves out', () => {
    const timeouts = resolveStepTimeouts({ byType: { rds: 90 * 60_000 } });
    expect(timeouts.byType.rds).toBe(90 * 60_000);
    expect(timeouts.byType.oss).toBe(DEFAULT_STEP_TIMEOUTS.byType.oss);
    expect(timeouts.defaultMs).toBe(DEFAULT_STEP_TIMEOUTS.defaultMs);
    expect(
      stepTimeoutMs({ id: 'provision:db', action: 'provision', type: 'rds', dependsOn: [], description: '' }, timeouts),
    ).toBe(90 * 60_000);
  });

  it('names the longest deadline of any step: rds by default, or whatever a deployment raises', () => {
    expect(longestStepTimeoutMs(resolveStepTimeouts())).toBe(DEFAULT_STEP_TIMEOUTS.byType.rds);
    expect(longestStepTimeoutMs(resolveStepTimeouts({ byAction: { finalize: 3 * 3_600_000 } }))).toBe(3 * 3_600_000);
    expect(longestStepTimeoutMs(resolveStepTimeouts({ defaultMs: 5 * 3_600_000 }))).toBe(5 * 3_600_000);
  });
});
