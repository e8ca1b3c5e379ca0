import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationRepository } from '@berth/persistence';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { BACKENDS } from '../support/test-app';
import {
  events,
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from './support/lifecycle-harness';

warnSkippedWithoutPostgres('lease e2e');

/** Holds this thread (the service's event loop: timers, heartbeats and polls all wait) for `ms`. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe.each(BACKENDS)('leases on $name', ({ name: backend, skip }) => {
  let t: LifecycleApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.skipIf(skip)(
    'a worker whose heartbeat is late (its lease lapsed while it still runs the operation) does not claim it again',
    async () => {
      // Lease 0.3 s; the event loop is then held for 1.5 s in the middle of a step, so the lease lapses.
      t = await startLifecycleApp(backend, { role: 'all', leaseSeconds: 0.3 });
      await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { '*': { delayMs: 300 } } });
      const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
      expect(put.status, put.text).toBe(201);
      const id = put.body.operation.id as string;
      for (;;) {
        const story = await events(t.server, id);
        if (story.some((e) => e.message.endsWith(': started'))) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      blockEventLoop(1500);
      const op = await waitForOperation(t.server, id, 120_000);
      const story = (await events(t.server, id)).map((e) => e.message);
      expect(op.state, story.join('\n')).toBe('Succeeded');
      expect(op.attempts, story.join('\n')).toBe(1);
      expect(story.filter((m) => m.startsWith('claimed by worker'))).toHaveLength(1);
      expect(story.join('\n')).not.toContain('lost its lease');
    },
    180_000,
  );

  it.skipIf(skip)(
    'a worker whose operation another worker took over stops without recording a failure, and the operation converges',
    async () => {
      t = await startLifecycleApp(backend, { role: 'all', leaseSeconds: 2 });
      await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { '*': { delayMs: 300 } } });
      const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
      expect(put.status, put.text).toBe(201);
      const id = put.body.operation.id as string;
      for (;;) {
        const story = await events(t.server, id);
        if (story.some((e) => e.message.endsWith(': started'))) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Another replica takes the operation over (as if this one's lease had run out) and dies at once: its lease is
      // already over when it is taken, so the service's worker resumes it after its own claim stopped.
      const operations = new OperationRepository(t.dataSource);
      const stolen = await operations.claim('other-replica/1', -120_000, new Date(Date.now() + 60_000));
      expect(stolen?.id).toBe(id);
      const op = await waitForOperation(t.server, id, 120_000);
      const story = (await events(t.server, id)).map((e) => e.message);
      expect(op.state, story.join('\n')).toBe('Succeeded');
      expect(op.attempts, story.join('\n')).toBe(3);
      expect(story).toContain(
        'claim 1 lost its lease (taken over by another worker); it stopped without recording more',
      );
      expect(story.filter((m) => m.startsWith('apply failed'))).toEqual([]);
      expect((await t.inventory.resources()).map((r) => r.component).sort()).toEqual(['db', 'lb', 'media', 'net']);
    },
    180_000,
  );

  it.skipIf(skip)(
    'claim skips the operations its caller runs, and still takes over one whose worker is gone',
    async () => {
      t = await startLifecycleApp(backend, { role: 'api' });
      await putTestEnvironment(t.server, 'dev', t.inventoryPath);
      const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
      expect(put.status, put.text).toBe(201);
      const id = put.body.operation.id as string;
      const operations = new OperationRepository(t.dataSource);
      const first = await operations.claim('worker-a/1', 60_000);
      expect(first?.id).toBe(id);
      // Its lease lapses: worker-a, which still runs it, does not take it again; worker-b does.
      const later = new Date(Date.now() + 120_000);
      expect(await operations.claim('worker-a/2', 60_000, later, [id])).toBeNull();
      const taken = await operations.claim('worker-b/1', 60_000, later, ['some-other-id']);
      expect(taken).toMatchObject({ id, leaseOwner: 'worker-b/1', attempts: 2 });
      expect(await operations.renewLease(id, 'worker-a/1', 60_000)).toBe(false);
      expect((await request(t.server).get(`/v1/operations/${id}`).expect(200)).body.state).toBe('Running');
    },
  );
});
