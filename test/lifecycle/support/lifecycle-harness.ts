import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import type { Server } from 'node:http';
import type { BerthConfig } from '../../../apps/broker/src';
import { TestInventory, TestResourceProvider, type TestProviderSettings } from '../../support/test-provider';
import { startTestApp, type BackendName, type TestApp } from '../../support/test-app';

/** Fast retries and short timeouts, so failure paths finish in seconds. */
export const FAST_LIFECYCLE: BerthConfig['lifecycle'] = {
  workerPollMs: 50,
  streamPollMs: 50,
  retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100, factor: 2 },
};

export interface LifecycleApp extends TestApp {
  inventoryPath: string;
  inventory: TestInventory;
}

/** The real service with the test provider registered (kind `test`), on SQLite or PostgreSQL. */
export async function startLifecycleApp(
  backend: BackendName,
  config: Partial<BerthConfig> = {},
  options: { authenticateAsAdmin?: boolean } = {},
): Promise<LifecycleApp> {
  const inventoryPath = join(mkdtempSync(join(tmpdir(), 'berth-inventory-')), 'inventory.json');
  const app = await startTestApp(backend, {
    extraProviders: [new TestResourceProvider({ env: {} })],
    config: { role: 'all', lifecycle: FAST_LIFECYCLE, leaseSeconds: 30, refreshIntervalMs: 0, ...config },
    ...options,
  });
  const close = async () => {
    await app.close();
    rmSync(dirname(inventoryPath), { recursive: true, force: true });
  };
  return { ...app, close, inventoryPath, inventory: new TestInventory(inventoryPath) };
}

/** PUT an environment `name` whose default profile is the test provider with these settings, runtime local. */
export async function putTestEnvironment(
  server: Server,
  name: string,
  inventoryPath: string,
  settings: Omit<TestProviderSettings, 'inventoryPath'> = {},
): Promise<void> {
  const answer = await request(server)
    .put(`/v1/environments/${name}`)
    .send({
      provider: { kind: 'test', settings: { inventoryPath, ...settings } },
      runtime: { kind: 'local', settings: {} },
    });
  if (answer.status >= 300) throw new Error(`PUT environment: ${answer.status} ${answer.text}`);
}

export async function putApplication(server: Server, env: string, name: string, yaml: string) {
  return request(server)
    .put(`/v1/environments/${env}/applications/${name}`)
    .set('Content-Type', 'application/yaml')
    .send(yaml);
}

export interface OperationBody {
  id: string;
  kind: string;
  state: string;
  error: string | null;
  attempts: number;
  generation: number;
  steps: Array<{ id: string; state: string; attempts: number; error: string | null }>;
}

const ENDED = ['Succeeded', 'Failed', 'Superseded'];

/** Polls GET /v1/operations/{id} until the operation ends (the deadline only stops a hang; a loaded machine is slow). */
export async function waitForOperation(server: Server, id: string, timeoutMs = 120_000): Promise<OperationBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await request(server).get(`/v1/operations/${id}`);
    if (answer.status !== 200) throw new Error(`GET operation: ${answer.status} ${answer.text}`);
    if (ENDED.includes(answer.body.state)) return answer.body as OperationBody;
    if (Date.now() > deadline)
      throw new Error(
        `operation ${id} still ${answer.body.state} after ${timeoutMs} ms: ${JSON.stringify(answer.body.steps)}`,
      );
    await new Promise((r) => setTimeout(r, 40));
  }
}

export async function events(
  server: Server,
  id: string,
): Promise<Array<{ seq: number; level: string; message: string; step?: string }>> {
  return (await request(server).get(`/v1/operations/${id}/events`).expect(200)).body.items;
}

/** A 5-component application: a network, a database on it, a retained bucket, a load balancer, and a bound web service. */
export function shopYaml(
  options: { password?: string; instanceClass?: string; image?: string; extra?: string } = {},
): string {
  return `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: net
      type: vpc
      properties:
        cidr: 10.1.0.0/16
    - name: db
      type: rds
      properties:
        engine: mysql
        network: net
        instanceClass: ${options.instanceClass ?? 'rds.mysql.s1.small'}${options.password ? `\n        password: ${options.password}` : ''}
    - name: media
      type: oss
      properties:
        deletionPolicy: Retain
    - name: lb
      type: slb
      properties:
        network: net
    - name: api
      type: webservice
      properties:
        image: ${options.image ?? 'shop:1'}
        port: 8080
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_URL: { secret: db }
              DB_HOST: { secret: db }
              DB_PASSWORD: { secret: db }
              BUCKET: { secret: media, key: BUCKET_NAME }
${options.extra ?? ''}`;
}
