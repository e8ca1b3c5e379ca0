import { SILENT_LOG } from '@berth/core';
import { Client } from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RUNTIME_KIND, RuntimeRegistry } from '../../apps/broker/src';
import { FAST_LIFECYCLE, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const APP = '/v1/environments/local/applications/hello';

/**
 * A workload on the `local` environment (local provider, local runtime) gets the environment a pod would get: its
 * declared `env` literals, then its bound connection-secret keys (a name both declared and bound is refused by
 * validation). Checked through the HTTP API with a real embedded PostgreSQL behind the binding.
 */
describe(
  'local runtime: a workload receives its declared env and its bindings, as in a pod',
  { timeout: 180_000 },
  () => {
    let t: TestApp;

    const yaml = (greeting: string) => `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: hello
spec:
  components:
    - name: db
      type: rds
      properties:
        engine: postgresql
    - name: web
      type: webservice
      properties:
        image: hello:1
        port: 8080
        env:
          - name: GREETING
            value: ${greeting}
          - name: EMPTY
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_HOST: { secret: db }
              DB_URL: { secret: db }
`;

    async function apply(greeting: string): Promise<void> {
      const put = await request(t.server).put(APP).set('Content-Type', 'application/yaml').send(yaml(greeting));
      expect([200, 201], put.text).toContain(put.status);
      const op = await waitForOperation(t.server, put.body.operation.id, 120_000);
      expect(op.state, JSON.stringify(op)).toBe('Succeeded');
    }

    beforeAll(async () => {
      t = await startTestApp('sqlite', { config: { role: 'all', lifecycle: FAST_LIFECYCLE, refreshIntervalMs: 0 } });
      await apply('hi');
    });
    afterAll(async () => {
      if (!t) return;
      const del = await request(t.server).delete(APP);
      if (del.status === 202) await waitForOperation(t.server, del.body.operation.id, 120_000).catch(() => undefined);
      await t.close();
    });

    it('GET …/env lists the declared literals first, then the bindings, as the pod spec orders them', async () => {
      const env = (await request(t.server).get(`${APP}/components/web/env?reveal=true`).expect(200)).body as {
        variables: Array<{ name: string; source: string; value: string | null; secret?: string; key?: string }>;
      };
      expect(env.variables.map((v) => [v.name, v.source])).toEqual([
        ['GREETING', 'declared'],
        ['EMPTY', 'declared'],
        ['DB_HOST', 'binding'],
        ['DB_URL', 'binding'],
      ]);
      expect(env.variables.find((v) => v.name === 'GREETING')).toMatchObject({ value: 'hi', sensitive: false });
      expect(env.variables.find((v) => v.name === 'EMPTY')?.value).toBe('');
      const host = env.variables.find((v) => v.name === 'DB_HOST')!;
      expect(host).toMatchObject({ secret: 'hello-db-conn', key: 'DB_HOST', value: '127.0.0.1' });
      // The bound URL is real: it logs in to the embedded PostgreSQL.
      const client = new Client({ connectionString: env.variables.find((v) => v.name === 'DB_URL')!.value! });
      await client.connect();
      expect((await client.query('select 1 as one')).rows[0].one).toBe(1);
      await client.end();
    });

    it('the dotenv view (what `berth env` and `berth run` hand a process) carries the declared values too', async () => {
      const dotenv = await request(t.server).get(`${APP}/components/web/env`).set('Accept', 'text/plain').expect(200);
      expect(dotenv.text).toContain('GREETING="hi"\n');
      expect(dotenv.text).toContain('DB_HOST="127.0.0.1"\n');
      // DB_URL holds the password: left out unless revealed.
      expect(dotenv.text).toMatch(/^# DB_URL: sensitive/m);
    });

    it("lists in the component's status what the local runtime does not carry out (here: the port's exposure)", async () => {
      const app = (await request(t.server).get(APP).expect(200)).body as {
        status: { components: Array<{ name: string; conditions: Array<{ type: string; message: string }> }> };
      };
      const web = app.status.components.find((c) => c.name === 'web')!;
      expect(web.conditions).toContainEqual(
        expect.objectContaining({
          type: 'NotApplied',
          message: 'not carried out by the local runtime: ports exposure (port, ports[].expose, exposeType)',
        }),
      );
      // A cloud component has nothing of the kind.
      expect(app.status.components.find((c) => c.name === 'db')!.conditions.map((c) => c.type)).not.toContain(
        'NotApplied',
      );
    });

    it('a changed declared value is what the next delivery hands out', async () => {
      await apply('hello again');
      const env = (await request(t.server).get(`${APP}/components/web/env`).expect(200)).body as {
        variables: Array<{ name: string; value: string | null }>;
      };
      expect(env.variables.find((v) => v.name === 'GREETING')?.value).toBe('hello again');
    });

    it('a name both declared and bound is refused (422); a declared valueFrom is accepted and listed as not applied locally', async () => {
      const fromConfigMap = yaml('hi').replace(
        '          - name: EMPTY\n',
        '          - name: LEVEL\n            valueFrom:\n              configMapKeyRef: { name: settings, key: level }\n',
      );
      const clash = yaml('hi').replace(
        '          - name: EMPTY\n',
        '          - name: DB_HOST\n            value: declared\n',
      );
      const refused = await request(t.server).put(APP).set('Content-Type', 'application/yaml').send(clash);
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0].path).toBe('/spec/components/1/traits/0/properties/envMappings/DB_HOST');

      // KubeVela's webservice takes valueFrom; on a cluster it is a secretKeyRef/configMapKeyRef. A local process has no
      // ConfigMap to read it from: the variable is not handed over, and the component's status says so by name.
      const put = await request(t.server).put(APP).set('Content-Type', 'application/yaml').send(fromConfigMap);
      expect([200, 201], put.text).toContain(put.status);
      const op = await waitForOperation(t.server, put.body.operation.id, 120_000);
      expect(op.state, JSON.stringify(op)).toBe('Succeeded');
      const status = (await request(t.server).get(APP).expect(200)).body as {
        status: { components: Array<{ name: string; conditions?: Array<{ type: string; message: string }> }> };
      };
      const web = status.status.components.find((c) => c.name === 'web');
      const notApplied = web?.conditions?.find((c) => c.type === 'NotApplied');
      expect(notApplied?.message).toContain('env LEVEL (valueFrom configMapKeyRef settings/level)');
      const env = (await request(t.server).get(`${APP}/components/web/env`).expect(200)).body as {
        variables: Array<{ name: string; value: string | null }>;
      };
      expect(env.variables.find((v) => v.name === 'LEVEL')).toBeUndefined();
      expect(env.variables.find((v) => v.name === 'GREETING')?.value).toBe('hi');
    });

    it('the env trait shapes what a process gets; probes, exposure and traits it cannot run are listed, not dropped', async () => {
      const runtime = t.app.get(RuntimeRegistry).get(LOCAL_RUNTIME_KIND);
      const statuses = await runtime.deliver(
        {
          environment: 'local',
          application: 'hello',
          runtime: { kind: LOCAL_RUNTIME_KIND, settings: {} },
          secrets: [],
          signal: new AbortController().signal,
          workloads: [
            {
              component: {
                kind: 'workload',
                name: 'web',
                type: 'webservice',
                dependsOn: [],
                bindings: [],
                properties: {
                  image: 'hello:1',
                  ports: [{ port: 8080, expose: true }],
                  env: [
                    { name: 'GREETING', value: 'hi' },
                    { name: 'DROPPED', value: 'x' },
                  ],
                  livenessProbe: { httpGet: { path: '/', port: 8080 } },
                },
                traits: [
                  { type: 'env', properties: { env: { MODE: 'local' }, unset: ['DROPPED'] } },
                  { type: 'scaler', properties: { replicas: 2 } },
                  { type: 'gateway', properties: { domain: 'hello.example', http: { '/': 8080 } } },
                ],
              },
              env: [],
              bindingsChecksum: 'x',
            },
          ],
        },
        SILENT_LOG,
      );
      expect(statuses[0]).toEqual({
        component: 'web',
        ready: true,
        message: 'delivered (local runtime)',
        notApplied: [
          'ports exposure (port, ports[].expose, exposeType)',
          'livenessProbe',
          'trait scaler',
          'trait gateway',
        ],
      });
      const env = (await request(t.server).get(`${APP}/components/web/env`).expect(200)).body as {
        variables: Array<{ name: string; value: string | null }>;
      };
      expect(env.variables.map((v) => [v.name, v.value])).toEqual([
        ['GREETING', 'hi'],
        ['MODE', 'local'],
      ]);
    });
  },
);
