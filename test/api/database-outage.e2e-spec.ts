import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartYaml } from '../fixtures/applications';
import { TEST_POSTGRES_URL } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

if (!TEST_POSTGRES_URL) console.warn('database outage: skipped — TEST_POSTGRES_URL is not set');

/** Runs statements as the administrator of TEST_POSTGRES_URL (on another database when named). */
async function admin(statements: string[], database?: string): Promise<void> {
  const url = new URL(TEST_POSTGRES_URL!);
  if (database) url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** PostgreSQL keeps the connections it already has; an outage only shows on new ones, so end the existing ones. */
const terminate = (database: string) =>
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`;

describe.skipIf(!TEST_POSTGRES_URL)('a PostgreSQL that refuses connections answers 503 with Retry-After', () => {
  const name = `berth_outage_${randomBytes(5).toString('hex')}`;
  let t: TestApp;

  /** Some routes of every kind: reads, a write, a 404 that still needs the database. */
  const calls: Array<[string, () => request.Test]> = [
    ['GET /v1/environments', () => request(t.server).get('/v1/environments')],
    ['GET …/applications', () => request(t.server).get('/v1/environments/local/applications')],
    [
      'PUT …/applications/shop',
      () =>
        request(t.server)
          .put('/v1/environments/local/applications/shop')
          .set('Content-Type', 'application/yaml')
          .send(quickstartYaml),
    ],
    ['GET /v1/operations/{id}', () => request(t.server).get('/v1/operations/00000000-0000-4000-8000-000000000000')],
  ];

  async function expectUnavailable(what: string): Promise<void> {
    for (const [label, call] of calls) {
      const answer = await call();
      const problem = expectProblem(answer, 503);
      expect(answer.headers['retry-after'], `${what}: ${label}`).toMatch(/^\d+$/);
      expect(problem.type).toMatch(/database-unavailable$/);
      expect(answer.text).not.toContain(name); // the database's name and URL stay in the log
    }
  }

  /** Waits until the service reaches its database again (the pool reconnects on its own). */
  async function expectRecovered(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await request(t.server).get('/v1/environments');
      if (answer.status === 200) return;
      if (Date.now() > deadline) throw new Error(`not recovered: ${answer.status} ${answer.text}`);
      await sleep(200);
    }
  }

  beforeAll(async () => {
    // A throwaway database and an unprivileged role: a superuser would ignore CONNECT and the connection limits.
    await admin([`CREATE ROLE ${name} LOGIN`, `CREATE DATABASE ${name}`]);
    await admin([`GRANT USAGE, CREATE ON SCHEMA public TO ${name}`], name);
    const url = new URL(TEST_POSTGRES_URL!);
    url.username = name;
    url.password = '';
    url.pathname = `/${name}`;
    t = await startTestApp('sqlite', { config: { databaseUrl: url.toString(), migrateOnBoot: true } });
    await request(t.server).get('/v1/environments').expect(200);
  });

  afterAll(async () => {
    await t?.close();
    await admin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `DROP ROLE IF EXISTS ${name}`]);
  });

  it('while the database does not allow connections (55000)', async () => {
    await admin([`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`, terminate(name)]);
    try {
      await expectUnavailable('ALLOW_CONNECTIONS false');
    } finally {
      await admin([`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`]);
    }
    await expectRecovered();
  });

  it('while the role may not connect to it (REVOKE CONNECT, 42501)', async () => {
    await admin([`REVOKE CONNECT ON DATABASE ${name} FROM PUBLIC`, terminate(name)]);
    try {
      await expectUnavailable('REVOKE CONNECT');
    } finally {
      await admin([`GRANT CONNECT ON DATABASE ${name} TO PUBLIC`]);
    }
    await expectRecovered();
  });

  it('while its connection limit is 0 (53300) and while the role may not log in (28000)', async () => {
    await admin([`ALTER DATABASE ${name} CONNECTION LIMIT 0`, terminate(name)]);
    try {
      await expectUnavailable('CONNECTION LIMIT 0');
    } finally {
      await admin([`ALTER DATABASE ${name} CONNECTION LIMIT -1`]);
    }
    await expectRecovered();
    await admin([`ALTER ROLE ${name} NOLOGIN`, terminate(name)]);
    try {
      await expectUnavailable('NOLOGIN');
    } finally {
      await admin([`ALTER ROLE ${name} LOGIN`]);
    }
    await expectRecovered();
  });

  it('once the database is gone (3D000)', async () => {
    await admin([`DROP DATABASE ${name} WITH (FORCE)`]);
    await expectUnavailable('DROP DATABASE');
  });
});
