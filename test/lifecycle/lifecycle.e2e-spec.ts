import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-app';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import {
  events,
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
    expect(op.steps.map((s) => s.id)).toEqual(['provision:media', 'provision:net', 'provision:db', 'provision:lb', 'deliver:api']);

    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.phase).toBe('Ready');
    expect(app.status.observedGeneration).toBe(1);
    expect(app.status.lastOperation).toEqual({ id: op.id, kind: 'apply', state: 'Succeeded' });
    const db = app.status.components.find((c: { name: string }) => c.name === 'db');
    expect(db).toMatchObject({ kind: 'cloud', phase: 'Ready', provider: 'test', secret: { name: 'shop-db-conn', version: 1 } });
    expect(db.outputs.DB_PORT).toBe('3306');
    expect(db.outputs.DB_PASSWORD).toBeUndefined();
    expect(JSON.stringify(app)).not.toContain('Literal-Passw0rd-42');

    const story = await events(t.server, op.id);
    expect(story.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^planned 5 step/), 'Provision rds db: started', expect.stringMatching(/^Provision rds db: succeeded in/), 'apply succeeded']));
    expect(JSON.stringify(story)).not.toContain('Literal-Passw0rd-42');

    const env = (await request(t.server).get(`${APP}/components/api/env`).expect(200)).body;
    expect(env.variables.map((v: { name: string }) => v.name)).toEqual(['DB_URL', 'DB_HOST', 'DB_PASSWORD', 'BUCKET']);
    expect(env.variables.find((v: { name: string }) => v.name === 'DB_PASSWORD')).toMatchObject({ sensitive: true, value: null });
    const revealed = (await request(t.server).get(`${APP}/components/api/env?reveal=true`).expect(200)).body;
    expect(revealed.variables.find((v: { name: string }) => v.name === 'DB_PASSWORD').value).toBe('Literal-Passw0rd-42');
    const dotenv = await request(t.server).get(`${APP}/components/api/env`).set('Accept', 'text/plain').expect(200);
    expect(dotenv.text).toMatch(/^DB_HOST="rm-test-[0-9a-f]+\.rds\.test\.invalid"$/m);
    expect(dotenv.text).toMatch(/^# DB_PASSWORD: sensitive, omitted/m);
    expect(dotenv.text).not.toContain('Literal-Passw0rd-42');
  });
});
