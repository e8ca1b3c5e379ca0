import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-app';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from './support/lifecycle-harness';

warnSkippedWithoutPostgres('concurrency e2e');

const APP = '/v1/environments/dev/applications/shop';
const variant = (i: number) =>
  shopYaml({ image: `shop:${i}` }).replace('engine: mysql', `engine: mysql\n        databaseName: app${i}`);

describe.each(BACKENDS)('concurrent applies on $name', ({ name: backend, skip }) => {
  let t: LifecycleApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.skipIf(skip)(
    '20 concurrent applies of one application end with the last accepted generation applied, none lost',
    async () => {
      t = await startLifecycleApp(backend);
      await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { '*': { delayMs: 10 } } });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => putApplication(t!.server, 'dev', 'shop', variant(i))),
      );
      for (const answer of answers) expect(answer.status, answer.text).toBeLessThan(300);
      const generations = answers.map((a) => a.body.metadata.generation as number).sort((a, b) => a - b);
      expect(generations).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)); // every write accepted, in some order
      const last = answers.find((a) => a.body.metadata.generation === 20)!;
      const lastIndex = answers.indexOf(last);

      const final = await waitForOperation(t.server, last.body.operation.id, 60_000);
      expect(final.state).toBe('Succeeded');
      const ops = (await request(t.server).get(`${APP}/operations`).expect(200)).body.items as Array<{
        id: string;
        state: string;
        generation: number;
      }>;
      for (const op of ops) if (op.id !== final.id) await waitForOperation(t.server, op.id, 60_000);
      const settled = (await request(t.server).get(`${APP}/operations`).expect(200)).body.items as Array<{
        state: string;
        generation: number;
      }>;
      expect(settled).toHaveLength(20);
      expect(settled.every((op) => op.state === 'Succeeded' || op.state === 'Superseded')).toBe(true);
      // Nothing older ran after the newest: the newest generation is the last to succeed.
      expect(Math.max(...settled.filter((op) => op.state === 'Succeeded').map((op) => op.generation))).toBe(20);

      const app = (await request(t.server).get(APP).expect(200)).body;
      expect(app.metadata.generation).toBe(20);
      expect(app.status).toMatchObject({ phase: 'Ready', observedGeneration: 20 });
      // What the provider holds and what the workload receives is generation 20's content.
      const db = (await t.inventory.resources()).find((r) => r.component === 'db')!;
      expect(db.properties.databaseName).toBe(`app${lastIndex}`);
      const env = (await request(t.server).get(`${APP}/components/api/env`).expect(200)).body;
      expect(env.variables.find((v: { name: string }) => v.name === 'DB_HOST').value).toMatch(/rds\.test\.invalid$/);
      const revisions = (await request(t.server).get(`${APP}/revisions`).expect(200)).body.items;
      expect(
        revisions
          .find((r: { current: boolean }) => r.current)
          .spec.components.find((c: { name: string }) => c.name === 'api').properties.image,
      ).toBe(`shop:${lastIndex}`);
    },
    120_000,
  );
});
