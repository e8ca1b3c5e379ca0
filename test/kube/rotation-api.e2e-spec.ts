import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from '../lifecycle/support/lifecycle-harness';

const APP = '/v1/environments/dev/applications/shop';

describe('POST …/components/{c}:rotate: what is refused, and why (test provider)', () => {
  let t: LifecycleApp;

  beforeAll(async () => {
    t = await startLifecycleApp('sqlite');
    // db takes a while to provision, so an operation is still running right after the PUT.
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { db: { delayMs: 1500 } } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('404 unknown application or component, 409 while another operation runs, 422 for a type without credentials', async () => {
    await request(t.server).post(`${APP}/components/db:rotate`).expect(404);
    const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
    expect(put.status, put.text).toBe(201);

    const busy = await request(t.server).post(`${APP}/components/media:rotate`);
    expect(busy.status, busy.text).toBe(409);
    expect(busy.body.detail).toMatch(/another operation of application shop is (Queued|Running) \(apply /);
    await waitForOperation(t.server, put.body.operation.id);

    await request(t.server).post(`${APP}/components/nope:rotate`).expect(404);
    await request(t.server).post(`${APP}/components/db:spin`).expect(404);
    for (const component of ['lb', 'net', 'api']) {
      const answer = await request(t.server).post(`${APP}/components/${component}:rotate`);
      expect(answer.status, component).toBe(422);
      expect(answer.body.detail).toMatch(/only rds, oss and redis have credentials to rotate/);
    }
  });

  it('422 when the password is written in the application (the next apply would undo the rotation)', async () => {
    const put = await putApplication(t.server, 'dev', 'shop', shopYaml({ password: 'Literal-Passw0rd-42' }));
    await waitForOperation(t.server, put.body.operation.id);
    const answer = await request(t.server).post(`${APP}/components/db:rotate`);
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toMatch(/password in the application/);
    expect(answer.text).not.toContain('Literal-Passw0rd-42');
  });

  it('409 when the component is not Ready', async () => {
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, {
      components: { media: { failPermanently: 'no buckets today' } },
    });
    const put = await putApplication(t.server, 'dev', 'other', shopYaml().replace('name: shop\n', 'name: other\n'));
    expect(put.status, put.text).toBe(201);
    expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Failed');
    const answer = await request(t.server).post('/v1/environments/dev/applications/other/components/media:rotate');
    expect(answer.status, answer.text).toBe(409);
    expect(answer.body.detail).toMatch(/media is Failed: only a Ready oss can be rotated/);
  });

  it('a provider without rotation support fails the operation at the rotate step, leaving the component Ready', async () => {
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
    const put = await putApplication(t.server, 'dev', 'shop', shopYaml());
    expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
    const answer = await request(t.server).post(`${APP}/components/media:rotate`).expect(202);
    const op = await waitForOperation(t.server, answer.body.operation.id);
    expect(op.state).toBe('Failed');
    expect(op.error).toMatch(/the test provider cannot rotate credentials/);
    expect(Object.fromEntries(op.steps.map((s) => [s.id, s.state]))).toEqual({
      'rotate:media': 'Failed',
      'deliver:api': 'Skipped',
      'revoke:media': 'Skipped',
    });
    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.components.find((c: { name: string }) => c.name === 'media')).toMatchObject({
      phase: 'Ready',
      secret: { version: 1 },
    });
    expect(app.status.phase).toBe('Ready');
  });
});
