import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderErrorCode } from '../errors';
import { SecretScrubber } from '../secrets';
import type { PlannedStep } from './lifecycle-step';
import { MemoryOperationJournal } from './memory-operation-journal';
import { OperationExecutor, type StepHandler } from './operation-executor';
import type { Sleeper } from './sleeper';

function step(id: string, dependsOn: string[] = [], type: PlannedStep['type'] = 'oss'): PlannedStep {
  return { id, action: 'provision', component: id, type, dependsOn, description: `Provision ${type} ${id}` };
}

/** Records every backoff and returns at once (still honouring abort), so retries cost no real time. */
class RecordingSleeper implements Sleeper {
  readonly delays: number[] = [];
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.delays.push(ms);
    return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const transient = (message = 'throttled') => new ProviderError(ProviderErrorCode.Transient, message);

describe('OperationExecutor', () => {
  it('runs independent steps in parallel but never more than the bound at once', async () => {
    let running = 0;
    let peak = 0;
    const handler: StepHandler = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 15));
      running--;
    };
    const journal = new MemoryOperationJournal();
    const result = await new OperationExecutor({ concurrency: 3 }).execute({
      steps: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => step(id)),
      handler,
      journal,
    });
    expect(result.outcome).toBe('Succeeded');
    expect(result.succeeded.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(peak).toBe(3);
  });

  it('starts a step only after every step it depends on succeeded', async () => {
    const journal = new MemoryOperationJournal();
    const handler: StepHandler = async (s) => {
      await new Promise((r) => setTimeout(r, s.id === 'net' ? 30 : 5));
    };
    await new OperationExecutor().execute({
      steps: [
        step('net', [], 'vpc'),
        step('bucket'),
        step('db', ['net'], 'rds'),
        step('api', ['db', 'bucket'], 'webservice'),
      ],
      handler,
      journal,
    });
    const order = journal.entries
      .filter((e) => e.kind === 'started' || e.kind === 'succeeded')
      .map((e) => `${e.kind}:${e.step}`);
    expect(order.indexOf('started:db')).toBeGreaterThan(order.indexOf('succeeded:net'));
    expect(order.indexOf('started:api')).toBeGreaterThan(order.indexOf('succeeded:db'));
    expect(order.indexOf('started:api')).toBeGreaterThan(order.indexOf('succeeded:bucket'));
    // The independent bucket did not wait for the slow network.
    expect(order.indexOf('succeeded:bucket')).toBeLessThan(order.indexOf('succeeded:net'));
  });

  it('retries retryable errors with backoff 1 s, 2 s, 4 s, 8 s, then fails after 5 attempts with the message scrubbed', async () => {
    const sleeper = new RecordingSleeper();
    const journal = new MemoryOperationJournal();
    let attempts = 0;
    const result = await new OperationExecutor({ sleeper }).execute({
      steps: [step('db', [], 'rds')],
      handler: async () => {
        attempts++;
        throw transient('login refused for admin:S3cret-Pw@db');
      },
      journal,
      scrubber: new SecretScrubber(['S3cret-Pw']),
    });
    expect(attempts).toBe(5);
    expect(sleeper.delays).toEqual([1000, 2000, 4000, 8000]);
    expect(result.outcome).toBe('Failed');
    expect(result.failed).toEqual([
      {
        id: 'db',
        failure: expect.objectContaining({
          code: 'Transient',
          attempts: 5,
          retryable: true,
          message: 'login refused for admin:***@db',
        }),
      },
    ]);
    expect(JSON.stringify(journal.entries)).not.toContain('S3cret-Pw');
    expect(journal.of('started').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(journal.of('event').map((e) => e.fields.delayMs)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('caps the backoff at 60 s and succeeds when a later attempt does', async () => {
    const sleeper = new RecordingSleeper();
    let attempts = 0;
    const result = await new OperationExecutor({ sleeper, retry: { maxAttempts: 10 } }).execute({
      steps: [step('db')],
      handler: async () => {
        if (++attempts < 10) throw transient();
        return { id: 'i-1' };
      },
      journal: new MemoryOperationJournal(),
    });
    expect(result.outcome).toBe('Succeeded');
    expect(sleeper.delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('fails at once on a non-retryable error', async () => {
    const sleeper = new RecordingSleeper();
    let attempts = 0;
    const journal = new MemoryOperationJournal();
    const result = await new OperationExecutor({ sleeper }).execute({
      steps: [step('db', [], 'rds')],
      handler: async () => {
        attempts++;
        throw new ProviderError(ProviderErrorCode.InvalidRequest, 'engine mysql 4.0 is not offered');
      },
      journal,
    });
    expect(result.outcome).toBe('Failed');
    expect(attempts).toBe(1);
    expect(sleeper.delays).toEqual([]);
    expect(journal.of('failed')[0]!.failure).toMatchObject({
      code: 'InvalidRequest',
      retryable: false,
      attempts: 1,
      message: 'engine mysql 4.0 is not offered',
    });
  });

  it('aborts an attempt at its type deadline, even when the handler ignores its signal, and counts it as a timeout', async () => {
    const sleeper = new RecordingSleeper();
    const seen: Array<{ attempt: number; aborted: boolean; reason: unknown }> = [];
    const executor = new OperationExecutor({
      sleeper,
      retry: { maxAttempts: 2 },
      timeouts: { byType: { rds: 40, oss: 5_000 } },
    });
    const started = performance.now();
    const result = await executor.execute({
      steps: [step('db', [], 'rds'), step('bucket', [], 'oss')],
      handler: (s, context) =>
        s.id === 'bucket'
          ? Promise.resolve()
          : new Promise(() => {
              // Never settles on its own; note how the signal ends.
              context.signal.addEventListener('abort', () =>
                seen.push({ attempt: context.attempt, aborted: true, reason: context.signal.reason }),
              );
            }),
      journal: new MemoryOperationJournal(),
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.succeeded).toEqual(['bucket']);
    expect(result.failed[0]).toMatchObject({
      id: 'db',
      failure: { code: 'Timeout', attempts: 2, message: 'Provision rds db timed out after 40ms' },
    });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(seen[0]!.reason).toBeInstanceOf(ProviderError);
    expect(sleeper.delays).toEqual([1000]);
  });

  it('blocks only the dependants of a failed step; independent steps still finish', async () => {
    const journal = new MemoryOperationJournal();
    const ran: string[] = [];
    const result = await new OperationExecutor().execute({
      steps: [
        step('net', [], 'vpc'),
        step('db', ['net'], 'rds'),
        step('api', ['db', 'bucket'], 'webservice'),
        step('bucket'),
        step('cdn', ['bucket']),
      ],
      handler: async (s) => {
        ran.push(s.id);
        if (s.id === 'net') throw new ProviderError(ProviderErrorCode.QuotaExceeded, 'no more VPCs in this region');
      },
      journal,
    });
    expect(result.outcome).toBe('Failed');
    expect(ran.sort()).toEqual(['bucket', 'cdn', 'net']);
    expect(result.succeeded.sort()).toEqual(['bucket', 'cdn']);
    expect(result.blocked.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'api', blockedBy: 'net' },
      { id: 'db', blockedBy: 'net' },
    ]);
    expect(
      journal
        .of('blocked')
        .map((e) => e.step)
        .sort(),
    ).toEqual(['api', 'db']);
  });

  it('finishes only after a slow journal has recorded every blocked step', async () => {
    const journal = new MemoryOperationJournal();
    const record = journal.stepBlocked.bind(journal);
    journal.stepBlocked = async (s, by) => {
      await new Promise((r) => setTimeout(r, 10));
      record(s, by);
    };
    const result = await new OperationExecutor().execute({
      steps: [step('a'), step('b', ['a']), step('c', ['b']), step('d')],
      handler: async (s) => {
        if (s.id === 'a') throw new ProviderError(ProviderErrorCode.InvalidRequest, 'no');
        // d ends while the journal is still recording the blocked steps.
        await new Promise((r) => setTimeout(r, 15));
      },
      journal,
    });
    expect(result.blocked.map((b) => b.id).sort()).toEqual(['b', 'c']);
    expect(
      journal
        .of('blocked')
        .map((e) => e.step)
        .sort(),
    ).toEqual(['b', 'c']);
  });

  it('skips the steps completed by an earlier run', async () => {
    const ran: string[] = [];
    const journal = new MemoryOperationJournal();
    const result = await new OperationExecutor().execute({
      steps: [step('net'), step('db', ['net']), step('api', ['db'])],
      completed: new Set(['net']),
      handler: async (s) => void ran.push(s.id),
      journal,
    });
    expect(result.outcome).toBe('Succeeded');
    expect(ran).toEqual(['db', 'api']);
    expect(journal.of('started').map((e) => e.step)).toEqual(['db', 'api']);
  });

  it('hands each step the results of the steps before it, including those recorded by an earlier run', async () => {
    const seen: Record<string, Record<string, unknown>> = {};
    const result = await new OperationExecutor().execute({
      steps: [step('rotate'), step('deliver', ['rotate']), step('revoke', ['deliver'])],
      completed: new Set(['rotate']),
      results: new Map([['rotate', { revoke: { login: 'app_v1' } }]]),
      handler: async (s, context) => {
        seen[s.id] = Object.fromEntries(context.results);
        return { done: s.id };
      },
      journal: new MemoryOperationJournal(),
    });
    expect(result.outcome).toBe('Succeeded');
    expect(seen.deliver).toEqual({ rotate: { revoke: { login: 'app_v1' } } });
    expect(seen.revoke).toEqual({ rotate: { revoke: { login: 'app_v1' } }, deliver: { done: 'deliver' } });
  });

  it('stops promptly when the lease is lost: running steps are aborted, nothing else starts or is recorded', async () => {
    const lease = new AbortController();
    const journal = new MemoryOperationJournal();
    const started: string[] = [];
    const aborted: string[] = [];
    const bothRunning = deferred();
    const run = new OperationExecutor({ concurrency: 2 }).execute({
      steps: [step('a'), step('b'), step('c'), step('d', ['a'])],
      handler: (s, context) => {
        started.push(s.id);
        if (started.length === 2) bothRunning.resolve();
        return new Promise((_resolve, reject) =>
          context.signal.addEventListener('abort', () => {
            aborted.push(s.id);
            reject(context.signal.reason);
          }),
        );
      },
      journal,
      signal: lease.signal,
    });
    await bothRunning.promise;
    const entriesBefore = journal.entries.length;
    const t0 = performance.now();
    lease.abort(new Error('lease lost'));
    const result = await run;
    expect(performance.now() - t0).toBeLessThan(50);
    expect(result.outcome).toBe('Interrupted');
    expect(result.unfinished.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(aborted.sort()).toEqual(['a', 'b']);
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b']);
    expect(journal.entries.length).toBe(entriesBefore);
  });

  it('stops during a backoff wait when the lease is lost', async () => {
    const lease = new AbortController();
    let attempts = 0;
    const sleeper: Sleeper = {
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          queueMicrotask(() => lease.abort(new Error('lease lost')));
        }),
    };
    const result = await new OperationExecutor({ sleeper }).execute({
      steps: [step('db')],
      handler: async () => {
        attempts++;
        throw transient();
      },
      journal: new MemoryOperationJournal(),
      signal: lease.signal,
    });
    expect(result.outcome).toBe('Interrupted');
    expect(attempts).toBe(1);
  });

  it('hands the step a log whose lines are scrubbed and tagged with the step', async () => {
    const journal = new MemoryOperationJournal();
    await new OperationExecutor().execute({
      steps: [step('db')],
      handler: async (_s, context) => {
        context.scrubber.add('generated-Pw-1');
        context.log.log('info', 'created account with generated-Pw-1', { url: 'mysql://u:generated-Pw-1@h' });
      },
      journal,
    });
    expect(journal.of('event')).toEqual([
      {
        kind: 'event',
        level: 'info',
        message: 'created account with ***',
        fields: { url: 'mysql://u:***@h', step: 'db' },
      },
    ]);
  });

  it('rejects when the journal cannot record, and refuses malformed plans', async () => {
    const journal = new MemoryOperationJournal();
    journal.stepSucceeded = () => Promise.reject(new Error('database is gone'));
    await expect(
      new OperationExecutor().execute({ steps: [step('a')], handler: async () => undefined, journal }),
    ).rejects.toThrow('database is gone');
    const executor = new OperationExecutor();
    expect(() => executor.execute({ steps: [step('a', ['zzz'])], handler: async () => undefined, journal })).toThrow(
      /unknown step zzz/,
    );
    expect(() =>
      executor.execute({
        steps: [step('c'), step('a', ['b']), step('b', ['a'])],
        handler: async () => undefined,
        journal,
      }),
    ).toThrow(/cycle/);
  });
});
