import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartYaml } from '../fixtures/applications';
import { CountingLogger } from '../support/counting-logger';
import { TEST_POSTGRES_URL, warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The bound a PUT must stay within, statements counted with BEGIN and COMMIT: environment read, then in one
 * transaction the application (and its current revision's hash), the application with its revision (one statement on
 * PostgreSQL, a create and an update alike), the operation with its first event (one statement), and the superseding
 * of queued operations on an update; and for access control the audit record of the change — written inside the PUT's
 * transaction, so it adds a statement but no commit of its own (an unchanged PUT, which writes nothing, writes its
 * record after its read-only transaction). The first PUT is the caller's first request: its token and role bindings
 * are looked up (two statements); the next ones find the credential cached. Was create 11, update 12 before the
 * application and its revision went in one statement, update 11 and unchanged 8 before the credential cache.
 */
const MAX_ROUND_TRIPS = { create: 9, update: 9, unchanged: 6 };

const yamlOf = (tag: string) =>
  quickstartYaml.replace('name: quickstart', 'name: counted').replace(':1.0.0', `:${tag}`);

describe.skipIf(!TEST_POSTGRES_URL)('a PUT costs a bounded number of PostgreSQL round trips', () => {
  let t: TestApp;
  const counter = new CountingLogger();

  beforeAll(async () => {
    // API role: no worker polling, so every statement counted is the PUT's own.
    t = await startTestApp('postgres', { config: { role: 'api' } });
    counter.attach(t.dataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function put(tag: string): Promise<{ status: number; trips: number; statements: string[] }> {
    counter.statements = [];
    const answer = await request(t.server)
      .put('/v1/environments/local/applications/counted')
      .set('Content-Type', 'application/yaml')
      .send(yamlOf(tag));
    const statements = counter.statements;
    return { status: answer.status, trips: statements.length, statements };
  }

  it('creates, updates and re-applies unchanged within the bound', async () => {
    const created = await put('1.0.1');
    const updated = await put('1.0.2');
    const unchanged = await put('1.0.2');
    console.log(
      `PUT round trips on PostgreSQL: create ${created.trips}, update ${updated.trips}, unchanged ${unchanged.trips}`,
    );
    if (process.env.BERTH_SHOW_STATEMENTS)
      console.log([created, updated, unchanged].map((p) => p.statements.join('\n')).join('\n---\n'));
    expect(created.status).toBe(201);
    expect(updated.status).toBe(200);
    expect(unchanged.status).toBe(200);
    expect(created.trips, created.statements.join('\n')).toBeLessThanOrEqual(MAX_ROUND_TRIPS.create);
    expect(updated.trips, updated.statements.join('\n')).toBeLessThanOrEqual(MAX_ROUND_TRIPS.update);
    expect(unchanged.trips, unchanged.statements.join('\n')).toBeLessThanOrEqual(MAX_ROUND_TRIPS.unchanged);
  });
});

if (!TEST_POSTGRES_URL) warnSkippedWithoutPostgres('PUT round trips');
