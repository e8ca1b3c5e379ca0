import { ProviderErrorCode, type PlannedStep } from '@berth/core';
import type { ManagedResourceRepository, OperationRepository, StepRecord } from '@berth/persistence';
import { describe, expect, it } from 'vitest';
import { DbOperationJournal } from './db-operation.journal';

const step: PlannedStep = {
  id: 'destroy:db',
  action: 'destroy',
  component: 'db',
  type: 'rds',
  dependsOn: [],
  description: 'Destroy rds db',
};

function record(): StepRecord {
  const { id, action, component, type, dependsOn, description } = step;
  return {
    id,
    action,
    component,
    type,
    dependsOn,
    description,
    state: 'Running',
    attempts: 1,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
}

/** Stores that keep what was durably written, and can die at the component write as a SIGKILLed process would. */
function stores(options: { crashAtComponentWrite: boolean }) {
  const writes: string[] = [];
  const saved: { steps: StepRecord[] | null } = { steps: null };
  const operations = {
    saveSteps: async (_id: string, _owner: string, steps: StepRecord[]) => {
      saved.steps = structuredClone(steps);
      writes.push(`steps:${steps.map((s) => s.state).join(',')}`);
      return true;
    },
    appendEvent: async () => undefined,
  } as unknown as OperationRepository;
  const resources = {
    update: async (_key: unknown, patch: { phase: string }) => {
      if (options.crashAtComponentWrite) throw new Error('process killed');
      writes.push(`phase:${patch.phase}`);
    },
    set: async () => undefined,
  } as unknown as ManagedResourceRepository;
  const journal = new DbOperationJournal(
    { operationId: 'op-1', leaseOwner: 'worker-1', environmentName: 'local', applicationName: 'shop' },
    [record()],
    operations,
    resources,
  );
  return { journal, writes, saved };
}

describe('DbOperationJournal', () => {
  it("writes the component's phase before it records the step Succeeded", async () => {
    const { journal, writes } = stores({ crashAtComponentWrite: false });
    await journal.stepSucceeded(step, { attempts: 1, durationMs: 5 });
    expect(writes).toEqual(['phase:Deleted', 'steps:Succeeded']);
  });

  it('a crash before the phase is written leaves the step unrecorded, so the resumed operation runs it again', async () => {
    const { journal, saved } = stores({ crashAtComponentWrite: true });
    await expect(journal.stepSucceeded(step, { attempts: 1, durationMs: 5 })).rejects.toThrow('process killed');
    expect(saved.steps).toBeNull();
  });

  it('a failed step likewise marks the component before the step', async () => {
    const { journal, writes } = stores({ crashAtComponentWrite: false });
    await journal.stepFailed(step, {
      code: ProviderErrorCode.Timeout,
      message: 'took too long',
      attempts: 3,
      durationMs: 5,
      retryable: true,
    });
    expect(writes[0]).toMatch(/^phase:/);
    expect(writes.at(-1)).toBe('steps:Failed');
  });
});
