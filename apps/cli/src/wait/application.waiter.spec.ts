import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Application, Operation } from '../client/api.types';
import { BerthApiClient } from '../client/berth-api.client';
import { PlainProgressRenderer } from '../output/progress.renderer';
import { explain, judge, waitForApplication, type WaitRequest } from './application.waiter';

const apply: WaitRequest = {
  kind: 'apply',
  env: 'local',
  app: 'shop',
  operationId: 'op-2',
  generation: 2,
  timeoutMs: 1000,
};
const remove: WaitRequest = { kind: 'delete', env: 'local', app: 'shop', operationId: 'op-3', timeoutMs: 1000 };

function app(
  phase: string,
  observedGeneration: number,
  components: Application['status'] extends infer S ? (S extends { components?: infer C } ? C : never) : never = [],
): Application {
  return {
    apiVersion: 'v',
    kind: 'Application',
    metadata: { name: 'shop', generation: 2 },
    spec: { components: [] },
    status: { phase, observedGeneration, components },
  };
}
const op = (state: string, extra: Partial<Operation> = {}): Operation => ({
  id: 'op-2',
  kind: 'apply',
  environment: 'local',
  application: 'shop',
  state,
  ...extra,
});

describe('judge', () => {
  it('waits for the applied generation, not an older Ready one', () => {
    expect(judge(apply, { app: app('Ready', 1), operation: op('Queued') })).toBeUndefined();
    expect(judge(apply, { app: app('Provisioning', 2), operation: op('Running') })).toBeUndefined();
    expect(judge(apply, { app: app('Ready', 2), operation: op('Succeeded') })).toBe('done');
  });

  it('keeps waiting while a failed component is still being retried, and fails when the operation does', () => {
    expect(judge(apply, { app: app('Failed', 2), operation: op('Running') })).toBeUndefined();
    expect(judge(apply, { app: app('Failed', 2), operation: op('Failed') })).toEqual({
      reason: 'apply operation op-2 failed',
    });
  });

  it('is done with a deletion once the application is gone, and fails on DeleteFailed', () => {
    expect(judge(remove, { app: app('Deleting', 2), operation: op('Running') })).toBeUndefined();
    expect(judge(remove, { app: null, operation: op('Succeeded') })).toBe('done');
    expect(judge(remove, { app: app('DeleteFailed', 2), operation: op('Succeeded') })).toEqual({
      reason: 'deleting shop failed',
    });
  });
});

describe('explain', () => {
  it('names each component that did not get there with its last error, each reason once', () => {
    const snapshot = {
      app: app('Failed', 2, [
        { name: 'db', type: 'rds', phase: 'Ready' },
        { name: 'files', type: 'oss', phase: 'Failed', lastError: 'bucket name taken' },
        { name: 'web', type: 'webservice', phase: 'Pending' },
      ]),
      operation: op('Failed', {
        // As the server writes it: the failed steps' errors, joined.
        error: 'Provision oss files: bucket name taken',
        steps: [
          {
            id: 'provision:files',
            action: 'provision',
            component: 'files',
            state: 'Failed',
            error: 'bucket name taken',
          },
        ],
      }),
    };
    expect(explain(apply, snapshot)).toEqual(['files (oss): Failed — bucket name taken', 'web (webservice): Pending']);
  });

  it('adds a failed step that no component explains, and the operation error only when nothing else does', () => {
    const stepOnly = {
      app: app('Failed', 2, [{ name: 'db', type: 'rds', phase: 'Ready' }]),
      operation: op('Failed', {
        error: 'Remove every workload: runtime unreachable',
        steps: [{ id: 'remove-workloads', action: 'remove-workloads', state: 'Failed', error: 'runtime unreachable' }],
      }),
    };
    expect(explain(apply, stepOnly)).toEqual(['step remove-workloads: runtime unreachable']);
    const operationOnly = {
      app: app('Failed', 2, [{ name: 'db', type: 'rds', phase: 'Ready' }]),
      operation: op('Failed', { error: { message: 'lease lost' }, steps: [] }),
    };
    expect(explain(apply, operationOnly)).toEqual(['operation: lease lost']);
  });

  it('says where the application stands when no component explains it', () => {
    expect(
      explain(remove, { app: app('Deleting', 1), operation: { ...op('Queued'), id: 'op-3', kind: 'delete' } }),
    ).toEqual(['shop is Deleting; delete operation op-3 is Queued']);
  });
});

describe('waitForApplication', () => {
  it('rides out an unreachable server until the timeout, then says why it gave up', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const started = Date.now();
    const failure = await waitForApplication(
      new BerthApiClient(`http://127.0.0.1:${port}`),
      { ...apply, timeoutMs: 1500 },
      async () => new PlainProgressRenderer('shop', () => {}),
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect((failure as Error).message).toBe('timed out after 1.5s waiting for shop to become Ready');
    expect((failure as { details: string[] }).details[0]).toMatch(
      /^last poll: the Berth server at .* is not reachable \(ECONNREFUSED\)/,
    );
  });
});
