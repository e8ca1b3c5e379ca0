import { createClient, type RedisClientType } from 'redis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../providers/local/src/support/process/find-executable';
import {
  FAST_LIFECYCLE,
  putTestEnvironment,
  startLifecycleApp,
  waitForOperation,
} from '../lifecycle/support/lifecycle-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const APP = '/v1/environments/local/applications/shop';
const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

/** The application of the proof: a redis component (KubeVela's alibaba-redis) and a webservice bound to it. */
const YAML = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: cache
      type: alibaba-redis
      properties:
        instance_name: shop-cache
        security_ips: 127.0.0.1
    - name: web
      type: webservice
      properties:
        image: shop:1
        port: 8080
      traits:
        - type: service-binding
          properties:
            envMappings:
              REDIS_URL: { secret: cache }
              REDIS_USER: { secret: cache }
              REDIS_KEY_PREFIX: { secret: cache }
              CACHE_HOST: { secret: cache, key: REDIS_HOST }
`;

async function withClient<T>(url: string, work: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client: RedisClientType = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

/** 'ok', or the first word of the server's refusal (NOPERM, WRONGPASS, …). */
async function outcome(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (error) {
    return /^([A-Z]+)\b/.exec((error as Error).message)?.[1] ?? (error as Error).message;
  }
}

const MODES = [
  {
    mode: 'the Redis of BERTH_LOCAL_REDIS_URL',
    skip: TEST_REDIS_URL ? undefined : 'TEST_REDIS_URL is not set',
    env: (): { BERTH_LOCAL_REDIS_URL?: string } => ({ BERTH_LOCAL_REDIS_URL: TEST_REDIS_URL! }),
  },
  {
    mode: 'an embedded redis-server',
    skip: findExecutable('redis-server') ? undefined : 'redis-server is not on PATH',
    env: (): { BERTH_LOCAL_REDIS_URL?: string } => ({}),
  },
];

for (const { mode, skip, env: adapterEnv } of MODES) {
  describe.skipIf(skip !== undefined)(
    `redis on the local environment, over HTTP, with ${mode}${skip ? ` (skipped: ${skip})` : ''}`,
    { timeout: 240_000 },
    () => {
      let t: TestApp;
      const env = async () => {
        const answer = await request(t.server).get(`${APP}/components/web/env?reveal=true`).expect(200);
        const variables = answer.body.variables as Array<{ name: string; value: string; sensitive: boolean }>;
        return Object.fromEntries(variables.map((v) => [v.name, v]));
      };

      beforeAll(async () => {
        t = await startTestApp('sqlite', {
          config: { role: 'all', lifecycle: FAST_LIFECYCLE, refreshIntervalMs: 0 },
          env: adapterEnv(),
        });
      });
      afterAll(async () => {
        if (!t) return;
        const del = await request(t.server).delete(APP);
        if (del.status === 202) await waitForOperation(t.server, del.body.operation.id, 60_000).catch(() => undefined);
        await t.close();
      });

      it('binds credentials that write and read under their prefix, are refused elsewhere, survive a rotation and die with the app', async () => {
        const put = await request(t.server).put(APP).set('Content-Type', 'application/yaml').send(YAML);
        expect([200, 201], put.text).toContain(put.status);
        const applied = await waitForOperation(t.server, put.body.operation.id, 120_000);
        expect(applied.state, JSON.stringify(applied)).toBe('Succeeded');

        const bound = await env();
        expect(bound.REDIS_URL).toMatchObject({ sensitive: true });
        expect(bound.REDIS_KEY_PREFIX).toMatchObject({ sensitive: false });
        expect(bound.CACHE_HOST!.value).toBe('127.0.0.1');
        const url = bound.REDIS_URL!.value;
        const prefix = bound.REDIS_KEY_PREFIX!.value;
        expect(url).toContain(encodeURIComponent(bound.REDIS_USER!.value));
        // The status never shows the password.
        const status = await request(t.server).get(APP).expect(200);
        expect(status.text).not.toContain(new URL(url).password);

        await withClient(url, async (client) => {
          expect(await client.set(`${prefix}greeting`, 'hello')).toBe('OK');
          expect(await client.get(`${prefix}greeting`)).toBe('hello');
          expect(await outcome(() => client.set('someone-else:greeting', 'x'))).toBe('NOPERM');
          expect(await outcome(() => client.get('someone-else:greeting'))).toBe('NOPERM');
          expect(await outcome(() => client.flushAll())).toBe('NOPERM');
        });

        const rotation = await request(t.server).post(`${APP}/components/cache:rotate`).expect(202);
        const rotated = await waitForOperation(t.server, rotation.body.operation.id, 120_000);
        expect(rotated.state, JSON.stringify(rotated)).toBe('Succeeded');
        const after = await env();
        const newUrl = after.REDIS_URL!.value;
        expect(newUrl).not.toBe(url);
        // The app keeps working on the new credentials, with its data; the old password was revoked after rollout.
        await withClient(newUrl, async (client) => expect(await client.get(`${prefix}greeting`)).toBe('hello'));
        expect(await outcome(() => withClient(url, (client) => client.ping()))).toBe('WRONGPASS');

        // An apply after the rotation keeps the rotated password (it is held as the component's input).
        const again = await request(t.server).put(APP).set('Content-Type', 'application/yaml').send(YAML);
        if (again.status === 201 || again.body.operation) {
          const reapplied = await waitForOperation(t.server, again.body.operation.id, 120_000);
          expect(reapplied.state, JSON.stringify(reapplied)).toBe('Succeeded');
        }
        await withClient(newUrl, async (client) => expect(await client.ping()).toBe('PONG'));

        const del = await request(t.server).delete(APP).expect(202);
        const deleted = await waitForOperation(t.server, del.body.operation.id, 120_000);
        expect(deleted.state, JSON.stringify(deleted)).toBe('Succeeded');
        expect(await outcome(() => withClient(newUrl, (client) => client.ping()))).toBe('WRONGPASS');
        // With an admin URL at hand (the external server): the component's keys went with it.
        if (adapterEnv().BERTH_LOCAL_REDIS_URL)
          await withClient(TEST_REDIS_URL!, async (admin) => expect(await admin.keys(`${prefix}*`)).toEqual([]));
      });
    },
  );
}

describe('a provider without a handler for a type refuses it at PUT, by the name the user wrote', () => {
  it('answers 422 at /spec/components/N/type: the test provider cannot provision alibaba-redis', async () => {
    const t = await startLifecycleApp('sqlite');
    try {
      await putTestEnvironment(t.server, 'tested', t.inventoryPath);
      const put = await request(t.server)
        .put('/v1/environments/tested/applications/shop')
        .set('Content-Type', 'application/yaml')
        .send(YAML);
      expect(put.status, put.text).toBe(422);
      expect(put.body.errors).toContainEqual({
        path: '/spec/components/0/type',
        message: 'the test provider cannot provision alibaba-redis; it provisions rds, oss, slb, vpc',
      });
      // Nothing was stored.
      await request(t.server).get('/v1/environments/tested/applications/shop').expect(404);
    } finally {
      await t.close();
    }
  });
});
