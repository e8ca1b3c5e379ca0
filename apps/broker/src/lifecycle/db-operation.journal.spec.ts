import { ProviderErrorCode, type PlannedStep } from '@berth/core';
import type { DependentUpdate, NewEvent, OperationRepository, StepRecord } from '@berth/persistence';
import { describe, expect, it, vi } from 'vitest';
import { DbOperationJournal, type JournalResources } from './db-operation.journal';

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

/** Stores that log each write, with the component changes that went in it; the lease may be lost. */
function stores(lease = { held: true }) {
  const writes: string[] = [];
  const saved: { steps: StepRecord[] | null } = { steps: null };
  const deferred: Array<Record<string, unknown>> = [];
  const operations = {
    saveSteps: async (
      _id: string,
      _owner: string,
      steps: StepRecord[],
      _now: Date,
      _events: NewEvent[],
      also: DependentUpdate[] = [],
    ) => {
      if (!lease.held) return false;
      saved.steps = structuredClone(steps);
      writes.push([`steps:${steps.map((s) => s.state).join(',')}`, ...also.map((u) => u.target)].join('+'));
      return true;
    },
  } as unknown as OperationRepository;
  const resources: JournalResources = {
    defer: async (_key, changes) => void deferred.push(changes),
    takeDeferred: async () =>
      deferred.splice(0).map((changes): DependentUpdate => ({
        target: `phase:${String(changes.phase)}`,
        statement: () => ({ sql: '', values: [], cacheKey: '' }),
        run: async () => undefined,
      })),
  };
  const journal = new DbOperationJournal(
    { operationId: 'op-1', leaseOwner: 'worker-1', environmentName: 'local', applicationName: 'shop' },
    [record()],
    operations,
    resources,
    undefined,
    0,
  );
  return { journal, writes, saved };
}

/** A journal that writes behind by `delayMs`, over stores that log every round trip (and may refuse for the lease). */
function delayed(delayMs: number, lease = { held: true }) {
  const trips: Array<{ kind: string; states?: string[]; events: Array<{ message: string; time?: Date }> }> = [];
  const operations = {
    saveSteps: async (_id: string, _owner: string, steps: StepRecord[], _now: Date, events: NewEvent[] = []) => {
      trips.push({ kind: 'steps', states: steps.map((s) => s.state), events: [...events] });
      return lease.held;
    },
    appendEvents: async (_id: string, events: NewEvent[]) => {
      trips.push({ kind: 'events', events: [...events] });
    },
  } as unknown as OperationRepository;
  const resources: JournalResources = {
    defer: async () => undefined,
    takeDeferred: async () => [],
  };
  const journal = new DbOperationJournal(
    { operationId: 'op-1', leaseOwner: 'worker-1', environmentName: 'local', applicationName: 'shop' },
    [{ ...record(), state: 'Pending' }],
    operations,
    resources,
    undefined,
    delayMs,
  );
  return { journal, trips };
}

describe('DbOperationJournal', () => {
  it("writes the component's phase in the same write as the step state it follows from", async () => {
    const { journal, writes } = stores();
    await journal.stepSucceeded(step, { attempts: 1, durationMs: 5 });
    expect(writes).toEqual(['steps:Succeeded+phase:Deleted']);
  });

  it('a failed step likewise carries the failed component with it', async () => {
    const { journal, writes } = stores();
    await journal.stepFailed(step, {
      code: ProviderErrorCode.Timeout,
      message: 'took too long',
      attempts: 3,
      durationMs: 5,
      retryable: true,
    });
    expect(writes).toEqual([expect.stringMatching(/^steps:Failed\+phase:/)]);
  });

  it('without the lease it records nothing and stops the executor', async () => {
    const { journal, saved } = stores({ held: false });
    await expect(journal.stepSucceeded(step, { attempts: 1, durationMs: 5 })).rejects.toThrow(/lost the lease/);
    expect(saved.steps).toBeNull();
  });

  it('writes the transitions of a fast step together, once the delay has passed', async () => {
    const { journal, trips } = delayed(40);
    await journal.planned([{ level: 'info', message: 'planned 1 step(s)' }]);
    await journal.stepStarted(step, 1);
    await journal.event('info', 'provider says hello', { step: step.id });
    await journal.stepSucceeded(step, { attempts: 1, durationMs: 5 });
    expect(trips).toEqual([]);
    await vi.waitFor(() => expect(trips).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(trips[0]!.states).toEqual(['Succeeded']);
    expect(trips[0]!.events.map((e) => e.message)).toEqual([
      'planned 1 step(s)',
      'Destroy rds db: started',
      'provider says hello',
      expect.stringMatching(/^Destroy rds db: succeeded in /),
    ]);
    // Each event keeps the time it happened, not the time of the write.
    for (const event of trips[0]!.events) expect(event.time).toBeInstanceOf(Date);
  });

  it("hands what is not written yet to the operation's last write, and takes nothing after it", async () => {
    const { journal, trips } = delayed(60_000);
    await journal.stepStarted(step, 1);
    await journal.stepSucceeded(step, { attempts: 1, durationMs: 5 });
    const unwritten = await journal.unwritten();
    expect(unwritten.events.map((e) => e.message)).toEqual([
      'Destroy rds db: started',
      expect.stringMatching(/succeeded/),
    ]);
    expect(trips).toEqual([]);
    await expect(journal.event('info', 'too late', {})).rejects.toThrow(/ended/);
  });

  it('a write the lease refuses fails the next call, so the executor stops', async () => {
    const lease = { held: true };
    const { journal, trips } = delayed(20, lease);
    lease.held = false;
    await journal.stepStarted(step, 1);
    await vi.waitFor(() => expect(trips).toHaveLength(1), { timeout: 5000, interval: 10 });
    await expect(journal.stepSucceeded(step, { attempts: 1, durationMs: 5 })).rejects.toThrow(/lost the lease/);
  });

  it('flush writes at once what waits (an operation that stops before its end)', async () => {
    const { journal, trips } = delayed(60_000);
    await journal.event('warn', 'stopping', {});
    await journal.flush();
    expect(trips).toEqual([{ kind: 'events', events: [expect.objectContaining({ message: 'stopping' })] }]);
  });
});
