import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesWorkloadRuntime } from '@berth/kube';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiTestServer } from '../kube-api-server/kube-api.server';
import { events, FAST_LIFECYCLE, putApplication, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { TestResourceProvider } from '../support/test-provider';
import { startTestApp, type TestApp } from '../support/test-app';

const NS = 'team-b';
const APP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: stuck
spec:
  components:
    - name: db
      type: rds
      properties:
        engine: postgresql
    - name: web
      type: webservice
      properties:
        image: web:1
        port: 8080
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_HOST: { secret: db }
`;

// A rollout that never completes must not read as a delivered application: the deliver step fails with the
// runtime's reason after its retries, and status says which workload and why.
describe('a workload whose rollout never completes on kubernetes', () => {
  let dir: string;
  let kube: KubeApiTestServer;
  let t: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-rollout-'));
    kube = await new KubeApiTestServer({ namespaces: [NS], controller: 'stall' }).start();
    const kubeconfig = await kube.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: NS });
    t = await startTestApp('sqlite', {
      extraProviders: [new TestResourceProvider({ env: {} })],
      extraRuntimes: [new KubernetesWorkloadRuntime({ pollIntervalMs: 50, kubeconfigDirs: [dir] })],
      config: { role: 'all', lifecycle: FAST_LIFECYCLE, leaseSeconds: 30, refreshIntervalMs: 0 },
    });
    const env = await request(t.server)
      .put('/v1/environments/stuck')
      .send({
        provider: { kind: 'test', settings: { inventoryPath: join(dir, 'inventory.json') } },
        runtime: { kind: 'kubernetes', settings: { kubeconfig, namespace: NS, rolloutTimeoutSeconds: 1 } },
      });
    expect(env.status, env.text).toBeLessThan(300);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await kube?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails the apply with the rollout reason instead of reporting the application Ready', async () => {
    const put = await putApplication(t.server, 'stuck', 'stuck', APP);
    expect(put.status, put.text).toBe(201);
    const operation = await waitForOperation(t.server, put.body.operation.id, 60_000);
    expect(operation.state).toBe('Failed');
    const deliver = operation.steps.find((step: { id: string }) => step.id === 'deliver:web')!;
    expect(deliver.state).toBe('Failed');
    expect(deliver.attempts).toBeGreaterThan(1);
    expect(deliver.error).toMatch(/web did not become ready/);

    const app = await request(t.server).get('/v1/environments/stuck/applications/stuck');
    expect(app.body.status.phase).toBe('Failed');
    const web = app.body.status.components.find((c: { name: string }) => c.name === 'web');
    expect(JSON.stringify(web.lastError)).toMatch(/did not become ready/);
    const db = app.body.status.components.find((c: { name: string }) => c.name === 'db');
    expect(db.phase).toBe('Ready');

    const log = await events(t.server, operation.id);
    expect(log.map((e: { message: string }) => e.message).join('\n')).toMatch(/did not become ready/);
  });
});
