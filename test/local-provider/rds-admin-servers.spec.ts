import { type ApplyResult } from '@berth/core';
import { LocalResourceProvider } from '@berth/provider-local';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLog, request, tempDataDir } from './local-request.fixture';

const postgresUrl = process.env.TEST_POSTGRES_URL;
const mysqlUrl = process.env.TEST_MYSQL_URL;
if (!postgresUrl) console.warn('skipping rds on an admin PostgreSQL server: TEST_POSTGRES_URL is not set');
if (!mysqlUrl) console.warn('skipping rds on an admin MySQL server: TEST_MYSQL_URL is not set');

function unique(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

describe.skipIf(!postgresUrl)('local provider: rds postgresql on BERTH_LOCAL_POSTGRES_URL', () => {
  let provider: LocalResourceProvider;
  let cleanup: () => Promise<void>;
  const log = new RecordingLog();
  const app = unique('pgapp');
  const spec = {
    type: 'rds' as const,
    application: app,
    component: 'db',
    properties: { engine: 'postgresql' },
    secretProperties: { password: "s3cr'et pass" },
  };
  let secret: ApplyResult;

  async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({ connectionString: postgresUrl });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    const temp = await tempDataDir();
    cleanup = temp.cleanup;
    provider = new LocalResourceProvider({ dataDir: temp.dir, postgresAdminUrl: postgresUrl });
    await provider.start();
    secret = await provider.apply(request(spec), log);
  });
  afterAll(async () => {
    await provider.destroy(request(spec), log).catch(() => undefined);
    await provider.close();
    await cleanup();
  });

  it('the role logs in with its password and creates, writes and reads a table in its database', async () => {
    const client = new Client({ connectionString: secret.secretOutputs.DB_URL });
    await client.connect();
    const who = await client.query('select current_user as u, current_database() as d');
    expect(who.rows[0]).toEqual({ u: secret.outputs.DB_USER, d: secret.outputs.DATABASE_NAME });
    await client.query('create table t (v text)');
    await client.query('insert into t values ($1)', ['x']);
    expect((await client.query('select v from t')).rows).toEqual([{ v: 'x' }]);
    await client.end();
    // Applying twice changes nothing.
    expect((await provider.apply(request(spec), log)).outputs).toEqual(secret.outputs);
  });

  it('rotation: old and new credentials both work until revoke, then the old login is gone', async () => {
    const rotated = await provider.rotate(request(spec), log);
    expect(rotated.outputs.DB_USER).not.toBe(secret.outputs.DB_USER);
    for (const url of [secret.secretOutputs.DB_URL, rotated.secretOutputs.DB_URL]) {
      const c = new Client({ connectionString: url });
      await c.connect();
      // Both act as the owner role, so both see and own the same objects.
      expect((await c.query('select current_user as u, count(*)::int as n from t')).rows[0]).toEqual({
        u: secret.outputs.DB_USER,
        n: 1,
      });
      await c.end();
    }
    await provider.revoke(request(spec), rotated.revoke, log);
    const old = new Client({ connectionString: secret.secretOutputs.DB_URL });
    await expect(old.connect()).rejects.toThrow();
    const fresh = new Client({ connectionString: rotated.secretOutputs.DB_URL });
    await fresh.connect();
    await fresh.query('insert into t values ($1)', ['y']);
    await fresh.end();
  });

  it('after destroy neither role nor database exists; destroying twice succeeds', async () => {
    await provider.destroy(request(spec), log);
    await provider.destroy(request(spec), log);
    const left = await admin(async (c) => ({
      db: (await c.query('select 1 from pg_database where datname = $1', [secret.outputs.DATABASE_NAME])).rowCount,
      roles: (await c.query(`select rolname from pg_roles where rolname like $1`, [`${secret.outputs.DB_USER}%`]))
        .rowCount,
    }));
    expect(left).toEqual({ db: 0, roles: 0 });
  });

  it('refuses to take over a role it did not create', async () => {
    const taken = unique('taken').replace(/-/g, '_');
    await admin((c) => c.query(`create role ${taken} nologin`));
    try {
      await expect(
        provider.apply(
          request({ ...spec, component: 'other', properties: { engine: 'postgresql', accountName: taken } }),
          log,
        ),
      ).rejects.toMatchObject({
        code: 'InvalidRequest',
        message: expect.stringContaining('not created for this component'),
      });
    } finally {
      await admin((c) => c.query(`drop role if exists ${taken}`));
      await provider.destroy(
        request({ ...spec, component: 'other', properties: { engine: 'postgresql', accountName: taken } }),
        log,
      );
    }
  });
});

describe.skipIf(!mysqlUrl)('local provider: rds mysql on BERTH_LOCAL_MYSQL_URL', () => {
  let provider: LocalResourceProvider;
  let cleanup: () => Promise<void>;
  const log = new RecordingLog();
  const app = unique('myapp');
  const spec = {
    type: 'rds' as const,
    application: app,
    component: 'db',
    properties: { engine: 'mysql', privilege: 'ReadWrite' },
    secretProperties: { password: 'my:s3cret@pw' },
  };

  beforeAll(async () => {
    const temp = await tempDataDir();
    cleanup = temp.cleanup;
    provider = new LocalResourceProvider({ dataDir: temp.dir, mysqlAdminUrl: mysqlUrl });
    await provider.start();
  });
  afterAll(async () => {
    await provider.destroy(request(spec), log).catch(() => undefined);
    await provider
      .destroy(request({ ...spec, component: 'ro', properties: { engine: 'mysql', privilege: 'ReadOnly' } }), log)
      .catch(() => undefined);
    await provider.close();
    await cleanup();
  });

  it('creates the database and user; the user creates, writes and reads a table; destroy removes both', async () => {
    expect(provider.validateComponent('rds', { engine: 'mysql' }, { kind: 'local', settings: {} })).toEqual([]);
    const secret = await provider.apply(request(spec), log);
    expect(secret.secretOutputs.DB_URL).toMatch(/^mysql:\/\//);
    const conn = await createConnection({ uri: secret.secretOutputs.DB_URL });
    await conn.query('create table t (id int primary key, v varchar(10))');
    await conn.query('insert into t values (1, ?)', ['x']);
    const [rows] = await conn.query('select v from t');
    expect(rows).toEqual([{ v: 'x' }]);
    await conn.end();
    expect((await provider.apply(request(spec), log)).outputs).toEqual(secret.outputs);

    await provider.destroy(request(spec), log);
    await provider.destroy(request(spec), log);
    const adminConn = await createConnection({ uri: mysqlUrl! });
    const [dbs] = await adminConn.query('select SCHEMA_NAME from information_schema.SCHEMATA where SCHEMA_NAME = ?', [
      secret.outputs.DATABASE_NAME,
    ]);
    const [users] = await adminConn.query('select User from mysql.user where User = ?', [secret.outputs.DB_USER]);
    await adminConn.end();
    expect(dbs).toEqual([]);
    expect(users).toEqual([]);
  });

  it('grants what privilege asks for: ReadOnly can read but not write', async () => {
    const roSpec = { ...spec, component: 'ro', properties: { engine: 'mysql', privilege: 'ReadOnly' } };
    const secret = await provider.apply(request(roSpec), log);
    const conn = await createConnection({ uri: secret.secretOutputs.DB_URL });
    await expect(conn.query('create table t (id int)')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    const [rows] = await conn.query('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
    await conn.end();
  });
});

/** The same URL on another database of the instance (the account's credentials reach every database it lists). */
function onDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

describe.skipIf(!mysqlUrl)('local provider: rds mysql with several databases (KubeVela databases)', () => {
  let provider: LocalResourceProvider;
  let cleanup: () => Promise<void>;
  const log = new RecordingLog();
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const [orders, audit] = [`orders_${tag}`, `audit_${tag}`];
  const spec = (databases: Array<Record<string, string>>) => ({
    type: 'rds' as const,
    application: unique('mydbs'),
    component: 'db',
    properties: { engine: 'mysql', privilege: 'ReadWrite', databases },
    secretProperties: { password: 'my:s3cret@pw' },
  });
  const both = spec([
    { name: orders, characterSet: 'utf8' },
    { name: audit, characterSet: 'utf8mb4' },
  ]);
  const schemas = async () => {
    const admin = await createConnection({ uri: mysqlUrl! });
    try {
      const [rows] = await admin.query(
        'select SCHEMA_NAME as name, DEFAULT_CHARACTER_SET_NAME as charset from information_schema.SCHEMATA where SCHEMA_NAME in (?, ?) order by SCHEMA_NAME',
        [orders, audit],
      );
      return rows as Array<{ name: string; charset: string }>;
    } finally {
      await admin.end();
    }
  };

  beforeAll(async () => {
    const temp = await tempDataDir();
    cleanup = temp.cleanup;
    provider = new LocalResourceProvider({ dataDir: temp.dir, mysqlAdminUrl: mysqlUrl });
    await provider.start();
  });
  afterAll(async () => {
    await provider.destroy(request(both), log).catch(() => undefined);
    await provider.close();
    await cleanup();
  });

  it('creates each database in its character set; the account writes in both; a dropped entry is dropped', async () => {
    const secret = await provider.apply(request(both), log);
    expect(secret.outputs).toMatchObject({ DATABASE_NAME: orders, DB_NAME: orders });
    expect(await schemas()).toEqual([
      { name: audit, charset: 'utf8mb4' },
      { name: orders, charset: expect.stringMatching(/^utf8(mb3)?$/) },
    ]);
    for (const database of [orders, audit]) {
      const conn = await createConnection({ uri: onDatabase(secret.secretOutputs.DB_URL, database) });
      await conn.query('create table t (id int primary key)');
      await conn.query('insert into t values (1)');
      await conn.end();
    }
    // A rotated login reaches every database too.
    const rotated = await provider.rotate(request(both), log);
    const conn = await createConnection({ uri: onDatabase(rotated.secretOutputs.DB_URL, audit) });
    expect((await conn.query('select count(*) as n from t'))[0]).toEqual([{ n: 1 }]);
    await conn.end();

    await provider.apply(request({ ...both, properties: { ...both.properties, databases: [{ name: orders }] } }), log);
    expect((await schemas()).map((s) => s.name)).toEqual([orders]);
    await provider.destroy(request(both), log);
    expect(await schemas()).toEqual([]);
  });
});

describe.skipIf(!postgresUrl)('local provider: rds postgresql with several databases (KubeVela databases)', () => {
  let provider: LocalResourceProvider;
  let cleanup: () => Promise<void>;
  const log = new RecordingLog();
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const [orders, audit] = [`orders_${tag}`, `audit_${tag}`];
  const spec = {
    type: 'rds' as const,
    application: unique('pgdbs'),
    component: 'db',
    properties: { engine: 'postgresql', privilege: 'DBOwner', databases: [{ name: orders }, { name: audit }] },
    secretProperties: { password: 'pg-s3cret' },
  };
  const databases = async () => {
    const c = new Client({ connectionString: postgresUrl });
    await c.connect();
    try {
      const r = await c.query<{ datname: string }>(
        'select datname from pg_database where datname = any($1::text[]) order by datname',
        [[orders, audit]],
      );
      return r.rows.map((row) => row.datname);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    const temp = await tempDataDir();
    cleanup = temp.cleanup;
    provider = new LocalResourceProvider({ dataDir: temp.dir, postgresAdminUrl: postgresUrl });
    await provider.start();
  });
  afterAll(async () => {
    await provider.destroy(request(spec), log).catch(() => undefined);
    await provider.close();
    await cleanup();
  });

  it('creates each database with the account privilege on it; destroy drops them all', async () => {
    const secret = await provider.apply(request(spec), log);
    expect(secret.outputs).toMatchObject({ DATABASE_NAME: orders, DB_NAME: orders });
    expect(await databases()).toEqual([audit, orders]);
    for (const database of [orders, audit]) {
      const c = new Client({ connectionString: onDatabase(secret.secretOutputs.DB_URL, database) });
      await c.connect();
      await c.query('create table t (v text)');
      expect((await c.query('select current_database() as d')).rows).toEqual([{ d: database }]);
      await c.end();
    }
    await provider.destroy(request(spec), log);
    expect(await databases()).toEqual([]);
  });
});
