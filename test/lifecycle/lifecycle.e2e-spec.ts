import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-app';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import {
  events,
  FAST_LIFECYCLE,
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from './support/lifecycle-harness';

warnSkippedWithoutPostgres('lifecycle e2e');

const APP = '/v1/environments/dev/applications/shop';

describe.each(BACKENDS)('lifecycle through HTTP on $name', ({ name: backend, skip }) => {
  let t: LifecycleApp;

  beforeEach(async () => {
    if (skip) return;
    t = await startLifecycleApp(backend);
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
  });

  afterEach(async () => {
    if (!skip) await t.close();
  });

  it.skipIf(skip)('applies to Ready: status, events and the bound environment tell what happened', async () => {
    const put = await putApplication(t.server, 'dev', 'shop', shopYaml({ password: 'Literal-Passw0rd-42' }));
    expect(put.status, put.text).toBe(201);
    expect(put.body.operation).toMatchObject({ kind: 'apply', state: 'Queued', generation: 1 });
    const op = await waitForOperation(t.server, put.body.operation.id);
    expect(op.state, JSON.stringify(op)).toBe('Succeeded');
    expect(op.steps.map((s) => s.id)).toEqual([
      'provision:media',
      'provision:net',
      'provision:db',
      'provision:lb',
      'deliver:api',
    ]);

    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.phase).toBe('Ready');
    expect(app.status.observedGeneration).toBe(1);
    expect(app.status.lastOperation).toEqual({ id: op.id, kind: 'apply', state: 'Succeeded' });
    const db = app.status.components.find((c: { name: string }) => c.name === 'db');
    expect(db).toMatchObject({
      kind: 'cloud',
      phase: 'Ready',
      provider: 'test',
      secret: { name: 'shop-db-conn', version: 1 },
    });
    expect(db.outputs.DB_PORT).toBe('3306');
    expect(db.outputs.DB_PASSWORD).toBeUndefined();
    expect(JSON.stringify(app)).not.toContain('Literal-Passw0rd-42');

    const story = await events(t.server, op.id);
    expect(story.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^planned 5 step/),
        'Provision rds db: started',
        expect.stringMatching(/^Provision rds db: succeeded in/),
        'apply succeeded',
      ]),
    );
    expect(JSON.stringify(story)).not.toContain('Literal-Passw0rd-42');

    const env = (await request(t.server).get(`${APP}/components/api/env`).expect(200)).body;
    expect(env.variables.map((v: { name: string }) => v.name)).toEqual(['DB_URL', 'DB_HOST', 'DB_PASSWORD', 'BUCKET']);
    expect(env.variables.find((v: { name: string }) => v.name === 'DB_PASSWORD')).toMatchObject({
      sensitive: true,
      value: null,
    });
    const revealed = (await request(t.server).get(`${APP}/components/api/env?reveal=true`).expect(200)).body;
    expect(revealed.variables.find((v: { name: string }) => v.name === 'DB_PASSWORD').value).toBe(
      'Literal-Passw0rd-42',
    );
    const dotenv = await request(t.server).get(`${APP}/components/api/env`).set('Accept', 'text/plain').expect(200);
    expect(dotenv.text).toMatch(/^DB_HOST="rm-test-[0-9a-f]+\.rds\.test\.invalid"$/m);
    expect(dotenv.text).toMatch(/^# DB_PASSWORD: sensitive, omitted/m);
    expect(dotenv.text).not.toContain('Literal-Passw0rd-42');
  });

  async function applied(yaml = shopYaml()) {
    const put = await putApplication(t.server, 'dev', 'shop', yaml);
    expect(put.status, put.text).toBeLessThan(300);
    return waitForOperation(t.server, put.body.operation.id);
  }

  const inventoryComponents = async () => (await t.inventory.resources()).map((r) => r.component).sort();

  it.skipIf(skip)('retries a transient failure with backoff, shows it in the events, and ends Succeeded', async () => {
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { db: { failTimes: 2 } } });
    const op = await applied();
    expect(op.state).toBe('Succeeded');
    expect(op.steps.find((s) => s.id === 'provision:db')!.attempts).toBe(3);
    const story = (await events(t.server, op.id)).map((e) => e.message);
    expect(story).toContainEqual(
      expect.stringMatching(
        /Provision rds db: attempt 1 of 3 failed \(Transient\): test provider: injected failure 1 of 2/,
      ),
    );
    expect(story).toContain('Provision rds db: attempt 3');
  });

  it.skipIf(skip)(
    'fails for good with the reason in status, skips what depends on it, and resumes on :retry without redoing what succeeded',
    async () => {
      await putTestEnvironment(t.server, 'dev', t.inventoryPath, {
        components: { db: { failPermanently: 'engine mysql 4.0 is not offered here' } },
      });
      const op = await applied();
      expect(op.state).toBe('Failed');
      expect(op.error).toContain('engine mysql 4.0 is not offered here');
      expect(Object.fromEntries(op.steps.map((s) => [s.id, s.state]))).toMatchObject({
        'provision:net': 'Succeeded',
        'provision:db': 'Failed',
        'deliver:api': 'Skipped',
      });
      const app = (await request(t.server).get(APP).expect(200)).body;
      expect(app.status.phase).toBe('Failed');
      expect(app.status.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ProvisioningFailed',
      });
      const db = app.status.components.find((c: { name: string }) => c.name === 'db');
      expect(db).toMatchObject({ phase: 'Failed', lastError: 'engine mysql 4.0 is not offered here' });
      expect(app.status.components.find((c: { name: string }) => c.name === 'api').phase).toBe('Pending');

      await putTestEnvironment(t.server, 'dev', t.inventoryPath); // the cause goes away
      const retry = await request(t.server).post(`${APP}:retry`).expect(202);
      expect(retry.body.operation.id).toBe(op.id);
      const resumed = await waitForOperation(t.server, op.id);
      expect(resumed.state).toBe('Succeeded');
      const net = (await t.inventory.resources()).find((r) => r.component === 'net')!;
      expect(net.applies).toBe(1); // completed before the failure: not run again
      expect((await request(t.server).get(APP).expect(200)).body.status.phase).toBe('Ready');
      const nothing = await request(t.server).post(`${APP}:retry`).expect(409);
      expect(nothing.body.detail).toMatch(/nothing to retry/);
    },
  );

  it.skipIf(skip)('times a hanging step out and says so', async () => {
    await t.close();
    t = await startLifecycleApp(backend, {
      lifecycle: {
        ...FAST_LIFECYCLE,
        retry: { maxAttempts: 2, initialDelayMs: 10 },
        timeouts: { byType: { oss: 150 } },
      },
    });
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { media: { hang: true } } });
    const op = await applied();
    expect(op.state).toBe('Failed');
    const media = op.steps.find((s) => s.id === 'provision:media')!;
    expect(media).toMatchObject({ state: 'Failed', attempts: 2 });
    expect(media.error).toMatch(/timed out after 150ms/);
  });

  it.skipIf(skip)('prunes removed components per deletionPolicy, dependants first', async () => {
    expect((await applied()).state).toBe('Succeeded');
    const yaml = shopYaml()
      .replace(/ {4}- name: media\n {6}type: oss\n {6}properties:\n {8}deletionPolicy: Retain\n/, '')
      .replace(/ {4}- name: lb\n {6}type: slb\n {6}properties:\n {8}network: net\n/, '')
      .replace('              BUCKET: { secret: media, key: BUCKET_NAME }\n', '');
    const op = await applied(yaml);
    expect(op.state, JSON.stringify(op)).toBe('Succeeded');
    expect(op.steps.map((s) => s.id)).toEqual(['deliver:api', 'destroy:lb', 'retain:media']);
    expect(await inventoryComponents()).toEqual(['db', 'media', 'net']);
    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.components.map((c: { name: string; phase: string }) => `${c.name}:${c.phase}`)).toEqual([
      'net:Ready',
      'db:Ready',
      'api:Ready',
      'media:Retained',
    ]);
    const env = (await request(t.server).get(`${APP}/components/api/env`).expect(200)).body;
    expect(env.variables.map((v: { name: string }) => v.name)).toEqual(['DB_URL', 'DB_HOST', 'DB_PASSWORD']);
  });

  it.skipIf(skip)(
    'deletes workloads first, then cloud components in reverse dependency order, keeps Retain, leaves an audit record',
    async () => {
      expect((await applied()).state).toBe('Succeeded');
      const deleted = await request(t.server).delete(APP).expect(202);
      expect(deleted.body.status.phase).toBe('Deleting');
      expect(deleted.body.operation).toMatchObject({ kind: 'delete', state: 'Queued' });
      const op = await waitForOperation(t.server, deleted.body.operation.id);
      expect(op.state, JSON.stringify(op)).toBe('Succeeded');
      const finished = (id: string) => op.steps.find((s) => s.id === id)! as unknown as { finishedAt: string };
      const before: Array<[string, string]> = [
        ['remove-workloads', 'destroy:lb'],
        ['remove-workloads', 'destroy:db'],
        ['remove-workloads', 'retain:media'],
        ['destroy:lb', 'destroy:net'], // lb and db sit on net: they go first
        ['destroy:db', 'destroy:net'],
        ['destroy:net', 'remove-secrets'],
        ['remove-secrets', 'finalize'],
      ];
      for (const [first, then] of before)
        expect(Date.parse(finished(then).finishedAt)).toBeGreaterThanOrEqual(Date.parse(finished(first).finishedAt));
      const story = (await events(t.server, op.id)).filter((e) => /: succeeded/.test(e.message)).map((e) => e.step);
      expect(story.indexOf('destroy:net')).toBeGreaterThan(story.indexOf('destroy:db'));
      expect(story.indexOf('destroy:net')).toBeGreaterThan(story.indexOf('destroy:lb'));
      expect(story.indexOf('destroy:db')).toBeGreaterThan(story.indexOf('remove-workloads'));
      expect(await inventoryComponents()).toEqual(['media']);
      await request(t.server).get(APP).expect(404);
      const [audit] = await t.dataSource.query(`SELECT name, last_generation, retained FROM deleted_applications`);
      expect(audit).toMatchObject({ name: 'shop', last_generation: 1 });
      expect(JSON.parse(audit.retained)).toEqual(['media']);
    },
  );

  it.skipIf(skip)('orphans every cloud resource on DELETE ?orphan=true, and a later apply adopts them', async () => {
    expect((await applied()).state).toBe('Succeeded');
    const ids = Object.fromEntries((await t.inventory.resources()).map((r) => [r.component, r.id]));
    const deleted = await request(t.server).delete(`${APP}?orphan=true`).expect(202);
    expect((await waitForOperation(t.server, deleted.body.operation.id)).state).toBe('Succeeded');
    expect(await inventoryComponents()).toEqual(['db', 'lb', 'media', 'net']);
    const op = await applied();
    expect(op.state).toBe('Succeeded');
    const story = (await events(t.server, op.id)).map((e) => e.message);
    for (const c of ['vpc net', 'rds db', 'oss media', 'slb lb']) expect(story).toContain(`Adopt ${c}: started`);
    expect(Object.fromEntries((await t.inventory.resources()).map((r) => [r.component, r.id]))).toEqual(ids);
    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(
      app.status.components.every((c: { phase: string; retained?: boolean }) => c.phase === 'Ready' && !c.retained),
    ).toBe(true);
  });

  it.skipIf(skip)('leaves DeleteFailed with the reason when teardown fails, and :retry finishes it', async () => {
    expect((await applied()).state).toBe('Succeeded');
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, {
      components: { db: { failPermanently: 'instance is locked', actions: ['destroy'] } },
    });
    const deleted = await request(t.server).delete(APP).expect(202);
    const op = await waitForOperation(t.server, deleted.body.operation.id);
    expect(op.state).toBe('Failed');
    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.phase).toBe('DeleteFailed');
    expect(app.status.conditions.find((c: { type: string }) => c.type === 'Ready').message).toContain(
      'instance is locked',
    );
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
    await request(t.server).post(`${APP}:retry`).expect(202);
    expect((await waitForOperation(t.server, op.id)).state).toBe('Succeeded');
    await request(t.server).get(APP).expect(404);
    expect(await inventoryComponents()).toEqual(['media']);
  });

  it.skipIf(skip)('refreshes on demand: drift becomes a Drifted condition naming what differs', async () => {
    expect((await applied()).state).toBe('Succeeded');
    const clean = await request(t.server).post(`${APP}:refresh`).expect(202);
    expect((await waitForOperation(t.server, clean.body.operation.id)).state).toBe('Succeeded');
    let app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.conditions.find((c: { type: string }) => c.type === 'Drifted')).toMatchObject({
      status: 'False',
    });
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { lb: { drift: true } } });
    const drifted = await request(t.server).post(`${APP}:refresh`).expect(202);
    expect((await waitForOperation(t.server, drifted.body.operation.id)).state).toBe('Succeeded');
    app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.phase).toBe('Ready');
    expect(app.status.conditions.find((c: { type: string }) => c.type === 'Drifted')).toMatchObject({
      status: 'True',
      message: 'lb: testDrift',
    });
    expect(app.status.components.find((c: { name: string }) => c.name === 'lb').conditions).toContainEqual(
      expect.objectContaining({ type: 'Drifted', status: 'True' }),
    );
  });

  it.skipIf(skip)('streams events live as text/event-stream until the operation ends', async () => {
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { '*': { delayMs: 50 } } });
    const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
    const stream = await request(t.server)
      .get(`/v1/operations/${put.body.operation.id}/events`)
      .set('Accept', 'text/event-stream')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const text = stream.body as string;
    expect(text).toMatch(/^id: \d+\nevent: info\ndata: \{.*"message":"apply queued/m);
    expect(text).toContain('"message":"Deliver webservice api: started"');
    const end = /event: end\ndata: (.*)\n\n$/.exec(text);
    expect(JSON.parse(end![1])).toMatchObject({ id: put.body.operation.id, state: 'Succeeded' });
  });

  it.skipIf(skip)('stops following when the client goes away', async () => {
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { '*': { delayMs: 300 } } });
    const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
    if (!t.server.listening) await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', () => r()));
    const { port } = t.server.address() as { port: number };
    const controller = new AbortController();
    const answer = await fetch(`http://127.0.0.1:${port}/v1/operations/${put.body.operation.id}/events`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const reader = answer.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^id: \d+\nevent: info\n/);
    controller.abort();
    await reader.closed.catch(() => undefined);
    // The service keeps serving (the abandoned stream does not hold it), and the operation goes on to the end.
    expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
  });

  it.skipIf(skip)('exposes operations by kind and state, step durations and the queue depth on /metrics', async () => {
    expect((await applied()).state).toBe('Succeeded');
    const metrics = (await request(t.server).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^berth_operations\{kind="apply",state="Succeeded"\} 1$/m);
    expect(metrics).toMatch(/^berth_operation_queue_depth 0$/m);
    expect(metrics).toMatch(/^berth_step_duration_seconds_count\{action="provision",outcome="succeeded"\} 4$/m);
    const list = (await request(t.server).get(`${APP}/operations`).expect(200)).body.items;
    expect(list).toHaveLength(1);
  });
});
