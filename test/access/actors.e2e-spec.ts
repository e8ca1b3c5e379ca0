/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into answer JSON */
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
import { BACKENDS } from '../support/test-app';

describe.each(BACKENDS)('operations and events carry who caused them ($name)', ({ name, skip }) => {
  let t: LifecycleApp;
  const tokens: Record<string, string> = {};
  const as = (token: string) => ({ Authorization: `Bearer ${tokens[token]}` });

  beforeAll(async () => {
    if (skip) return;
    t = await startLifecycleApp(name);
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
    await putTestEnvironment(t.server, 'broken', t.inventoryPath, { components: { db: { failPermanently: 'no db' } } });
    for (const token of ['deployer', 'fixer']) {
      const answer = await request(t.server)
        .post('/v1/tokens')
        .send({
          name: token,
          roles: [
            { role: 'developer', scope: 'environment:dev' },
            { role: 'developer', scope: 'environment:broken' },
          ],
        });
      expect(answer.status, answer.text).toBe(201);
      tokens[token] = answer.body.token as string;
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(skip)(
    'an apply shows its caller on the operation, in the list, and on every event, the worker’s included',
    async () => {
      const put = await request(t.server)
        .put('/v1/environments/dev/applications/shop')
        .set(as('deployer'))
        .set('Content-Type', 'application/yaml')
        .send(shopYaml());
      expect(put.status, put.text).toBe(201);
      const deployer = { subject: 'token:deployer', tokenName: 'deployer' };
      expect(put.body.operation.actor).toEqual(deployer);
      await waitForOperation(t.server, put.body.operation.id);
      const operation = await request(t.server).get(`/v1/operations/${put.body.operation.id}`).expect(200);
      expect(operation.body).toMatchObject({ state: 'Succeeded', actor: deployer });
      const list = await request(t.server).get('/v1/environments/dev/applications/shop/operations').expect(200);
      expect(list.body.items[0].actor).toEqual(deployer);
      const events = await request(t.server).get(`/v1/operations/${put.body.operation.id}/events`).expect(200);
      expect(events.body.items.length).toBeGreaterThan(3);
      expect(events.body.items.some((e: any) => e.step)).toBe(true);
      for (const event of events.body.items) expect(event.actor, event.message).toEqual(deployer);

      // The bootstrap admin (the harness's default caller) is an actor too.
      const refresh = await request(t.server).post('/v1/environments/dev/applications/shop:refresh').expect(202);
      expect(refresh.body.operation.actor).toEqual({ subject: 'token:bootstrap-admin', tokenName: 'bootstrap-admin' });
    },
  );

  it.skipIf(skip)('a retry makes its caller the actor of what the operation does from then on', async () => {
    const put = await putApplication(t.server, 'broken', 'shop', shopYaml());
    expect(put.status, put.text).toBe(201);
    await request(t.server).delete('/v1/environments/broken/applications/shop').set(as('deployer')).expect(202);
    const failed = (
      await request(t.server).get('/v1/environments/broken/applications/shop/operations').expect(200)
    ).body.items.find((o: any) => o.kind === 'delete');
    expect(failed.actor).toEqual({ subject: 'token:deployer', tokenName: 'deployer' });
    expect((await waitForOperation(t.server, failed.id)).state).toBe('Failed');
    const before = (await request(t.server).get(`/v1/operations/${failed.id}/events`).expect(200)).body.items;

    const retry = await request(t.server)
      .post('/v1/environments/broken/applications/shop:retry')
      .set(as('fixer'))
      .expect(202);
    expect(retry.body.operation).toMatchObject({
      id: failed.id,
      actor: { subject: 'token:fixer', tokenName: 'fixer' },
    });
    expect((await waitForOperation(t.server, failed.id)).state).toBe('Failed');
    const after = (await request(t.server).get(`/v1/operations/${failed.id}/events`).expect(200)).body.items;
    const later = after.filter((e: any) => e.seq > before[before.length - 1].seq);
    expect(later.length).toBeGreaterThan(1);
    for (const event of before) expect(event.actor.subject, event.message).toBe('token:deployer');
    for (const event of later) expect(event.actor.subject, event.message).toBe('token:fixer');
  });
});
