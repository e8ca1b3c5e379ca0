import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnBroker } from '../support/broker-process';
import {
  createTemporarySchema,
  TEST_POSTGRES_URL,
  urlWithSearchPath,
  warnSkippedWithoutPostgres,
} from '../support/postgres-schema';
import { readAdminToken } from '../support/admin-auth';

warnSkippedWithoutPostgres('boot');

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-boot-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('booting the service', () => {
  it.each([
    [{ BERTH_PORT: 'abc' }, 'BERTH_PORT: must be an integer between 0 and 65535 (got "abc")'],
    [{ DATABASE_URL: 'mysql://root:hunter2@db/berth' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ BERTH_MAX_BODY_BYTES: '-5' }, 'BERTH_MAX_BODY_BYTES: must be an integer number of bytes'],
    // The adapters read their own variables; boot names theirs with the service's, on the same line.
    [
      { BERTH_PORT: 'abc', BERTH_LOCAL_REDIS_URL: 'http://127.0.0.1:6379', BERTH_PULUMI_PASSPHRASE: 'hunter2' },
      'BERTH_PORT: must be an integer between 0 and 65535 (got "abc"); BERTH_LOCAL_REDIS_URL: must be a redis:// or ' +
        'rediss:// URL (an admin user of Redis 6.2 or newer) (got "http://127.0.0.1:6379"); BERTH_PULUMI_PASSPHRASE: ' +
        'must be at least 16 characters (the passphrase of the Pulumi secrets provider) (got <redacted>)',
    ],
  ])(
    'stops with one line naming the bad variable (%o)',
    async (env, expected) => {
      const broker = spawnBroker('main', { BERTH_DATA_DIR: dataDir(), ...env });
      const code = await broker.exited;
      expect(code).not.toBe(0);
      const lines = broker.stderr().trim().split('\n');
      expect(lines, broker.stderr()).toHaveLength(1);
      expect(lines[0]).toContain(expected);
      expect(broker.stderr()).not.toContain('hunter2');
      expect(broker.stdout()).not.toContain('listening');
    },
    120_000,
  );

  it('serves on SQLite in the data dir: ready, JSON logs with request ids and no secrets, graceful SIGTERM', async () => {
    const dir = dataDir();
    const broker = spawnBroker('main', { BERTH_DATA_DIR: dir, BERTH_PORT: '0', BERTH_LOG_LEVEL: 'info' });
    let token: string | undefined;
    try {
      const port = await broker.listening();
      const base = `http://127.0.0.1:${port}`;
      const ready = await request(base).get('/readyz').expect(200);
      expect(ready.body.checks.database.status).toBe('ok');
      token = readAdminToken(dir);
      await request(base)
        .get('/v1/environments/local')
        .set('X-Request-Id', 'boot-test-1')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      await request(base)
        .get('/v1/environments/nowhere')
        .set('X-Request-Id', 'boot-test-404')
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
    } finally {
      expect(await broker.stop('SIGTERM')).toBe(0);
    }
    expect(broker.stdout()).toContain('database connection closed');
    expect(broker.stdout()).toContain('"msg":"stopped"');
    const lines = broker
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const logged = lines.find((line) => line.req?.id === 'boot-test-1');
    expect(logged).toMatchObject({ req: { method: 'GET', url: '/v1/environments/local' }, res: { statusCode: 200 } });
    // The bootstrap admin token: its file is named once the service listens, the token never.
    expect(token).toMatch(/^berth_/);
    expect(broker.stdout()).not.toContain(token);
    expect(broker.stdout()).toContain(
      `created the admin token bootstrap-admin: it is in ${dir}/admin.token (mode 0600)`,
    );
    // A client's 404 is not a warning about the service.
    expect(lines.find((line) => line.req?.id === 'boot-test-404')).toMatchObject({
      level: 30,
      res: { statusCode: 404 },
    });
    // The start says where the service is, in one line: no module list, no route table at info.
    const boot = lines.slice(0, lines.findIndex((line) => /^berth listening on /.test(line.msg)) + 1);
    expect(boot.map((line) => line.msg)).toEqual([
      expect.stringMatching(
        /^berth listening on http:\/\/127\.0\.0\.1:\d+ \(API docs .*\/docs; database sqlite .*berth\.sqlite; role all\)$/,
      ),
    ]);
  }, 120_000);

  it('logs the route table at debug, with the level asked for', async () => {
    const broker = spawnBroker('main', { BERTH_DATA_DIR: dataDir(), BERTH_PORT: '0', BERTH_LOG_LEVEL: 'debug' });
    try {
      await broker.listening();
    } finally {
      expect(await broker.stop('SIGTERM')).toBe(0);
    }
    const lines = broker
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; context?: string; msg: string });
    const routes = lines.filter((line) => line.context === 'RouterExplorer');
    expect(routes.map((line) => line.msg)).toContain('Mapped {/v1/environments/:env/applications/:app, PUT} route');
    expect(new Set(routes.map((line) => line.level))).toEqual(new Set([20]));
  }, 120_000);

  describe.skipIf(!TEST_POSTGRES_URL)('on PostgreSQL', () => {
    it('refuses to start with pending migrations until `npm run migrate` ran, then serves', async () => {
      const { schema, drop } = await createTemporarySchema(TEST_POSTGRES_URL!, 'berth_boot');
      try {
        const env = {
          BERTH_DATA_DIR: dataDir(),
          BERTH_PORT: '0',
          DATABASE_URL: urlWithSearchPath(TEST_POSTGRES_URL!, schema),
        };
        const refused = spawnBroker('main', env);
        expect(await refused.exited).not.toBe(0);
        const lines = refused.stderr().trim().split('\n');
        expect(lines, refused.stderr()).toHaveLength(1);
        expect(lines[0]).toMatch(/migration\(s\) pending.*npm run migrate.*BERTH_MIGRATE_ON_BOOT=true/);

        const migrate = spawnBroker('migrate', env);
        expect(await migrate.exited, migrate.stderr()).toBe(0);
        expect(migrate.stdout()).toMatch(/applied InitialSchema/);

        const broker = spawnBroker('main', env);
        try {
          const port = await broker.listening();
          await request(`http://127.0.0.1:${port}`).get('/readyz').expect(200);
          const local = await request(`http://127.0.0.1:${port}`)
            .get('/v1/environments/local')
            .set('Authorization', `Bearer ${readAdminToken(env.BERTH_DATA_DIR)}`)
            .expect(200);
          expect(local.body.runtime.kind).toBe('local');
        } finally {
          expect(await broker.stop('SIGINT')).toBe(0);
          expect(broker.stdout()).toContain('database connection closed');
        }
      } finally {
        await drop();
      }
    }, 240_000);
  });
});
