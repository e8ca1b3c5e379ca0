import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecretKey } from '@berth/core';
import {
  createTemporarySchema,
  TEST_POSTGRES_URL,
  urlWithSearchPath,
  warnSkippedWithoutPostgres,
} from '../support/postgres-schema';
import { TestInventory } from '../support/test-provider';
import { startBrokerChild, type BrokerChild } from './support/broker-child';
import { shopYaml } from './support/lifecycle-harness';

warnSkippedWithoutPostgres('shared queue e2e');

/** Two service processes on one PostgreSQL database: an `all` and a `worker`, sharing the queue and the secret key. */
describe.skipIf(!TEST_POSTGRES_URL)('two processes sharing the operation queue on PostgreSQL', () => {
  const brokers: BrokerChild[] = [];
  const dirs: string[] = [];
  let drop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.kill()));
    await drop?.();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('both claim work, concurrent applies through both end at the last generation, and every application converges', async () => {
    const schema = await createTemporarySchema(TEST_POSTGRES_URL!, 'berth_queue');
    drop = schema.drop;
    const common = {
      DATABASE_URL: urlWithSearchPath(TEST_POSTGRES_URL!, schema.schema),
      BERTH_MIGRATE_ON_BOOT: 'true',
      BERTH_SECRET_KEY: generateSecretKey().toString('base64'),
      BERTH_HOST: '127.0.0.1',
      BERTH_WORKER_CONCURRENCY: '2',
      BERTH_LEASE_SECONDS: '5',
      BERTH_REFRESH_INTERVAL: '0',
    };
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'berth-queue-'));
      dirs.push(d);
      return d;
    };
    brokers.push(await startBrokerChild({ ...common, BERTH_DATA_DIR: dir(), BERTH_ROLE: 'all' }));
    brokers.push(await startBrokerChild({ ...common, BERTH_DATA_DIR: dir(), BERTH_ROLE: 'worker' }));
    const [a, b] = brokers.map((x) => x.url);
    const inventoryPath = join(dir(), 'inventory.json');
    await request(a)
      .put('/v1/environments/dev')
      .send({
        provider: { kind: 'test', settings: { inventoryPath, components: { '*': { delayMs: 60 } } } },
        runtime: { kind: 'local' },
      })
      .expect(201);

    // Six applications at once, then ten concurrent applies of one of them, through both processes.
    const names = Array.from({ length: 6 }, (_, i) => `app-${i}`);
    const first = await Promise.all(
      names.map((name, i) =>
        request(i % 2 ? b! : a!)
          .put(`/v1/environments/dev/applications/${name}`)
          .set('Content-Type', 'application/yaml')
          .send(shopYaml().replace('name: shop', `name: ${name}`)),
      ),
    );
    for (const answer of first) expect(answer.status, answer.text).toBe(201);
    const variants = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        request(i % 2 ? b! : a!)
          .put('/v1/environments/dev/applications/app-0')
          .set('Content-Type', 'application/yaml')
          .send(
            shopYaml({ image: `v:${i}` })
              .replace('name: shop', 'name: app-0')
              .replace('engine: mysql', `engine: mysql\n        databaseName: v${i}`),
          ),
      ),
    );
    for (const answer of variants) expect(answer.status, answer.text).toBe(200);
    const lastIndex = variants.findIndex((v) => v.body.metadata.generation === 11);
    expect(lastIndex).toBeGreaterThanOrEqual(0);

    const deadline = Date.now() + 240_000;
    for (const name of names) {
      for (;;) {
        const app = (await request(a!).get(`/v1/environments/dev/applications/${name}`).expect(200)).body;
        if (app.status.phase === 'Ready' && app.status.observedGeneration === app.metadata.generation) break;
        if (Date.now() > deadline) throw new Error(`${name} did not converge: ${JSON.stringify(app.status)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const inventory = await new TestInventory(inventoryPath).resources();
    expect(inventory).toHaveLength(names.length * 4);
    expect(inventory.find((r) => r.application === 'app-0' && r.component === 'db')!.properties.databaseName).toBe(
      `v${lastIndex}`,
    );

    // Who ran what: every operation says which worker claimed it; both processes took part.
    const workers = new Set<string>();
    for (const name of names) {
      const ops = (await request(b!).get(`/v1/environments/dev/applications/${name}/operations`).expect(200)).body
        .items as Array<{ id: string; state: string }>;
      for (const op of ops.filter((o) => o.state === 'Succeeded')) {
        const events = (await request(a!).get(`/v1/operations/${op.id}/events`).expect(200)).body.items as Array<{
          fields?: { worker?: string };
        }>;
        for (const e of events) if (e.fields?.worker) workers.add(e.fields.worker.split('/')[1]!);
      }
    }
    expect(workers.size).toBe(2);
  }, 360_000);
});
