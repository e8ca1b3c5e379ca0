import { ProviderErrorCode, type ApplyResult } from '@berth/core';
import { LocalResourceProvider } from '@berth/provider-local';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, startOwner, until, type OwnerProcess } from './support/owner-process';
import { RecordingLog, request, tempDataDir, type RequestSpec } from './local-request.fixture';

/** A pg client built only from what the connection secret says. */
function clientFrom(secret: ApplyResult, override: { password?: string; user?: string } = {}): Client {
  const url = new URL(secret.secretOutputs.DB_URL);
  if (override.password !== undefined) url.password = encodeURIComponent(override.password);
  if (override.user !== undefined) url.username = encodeURIComponent(override.user);
  return new Client({ connectionString: url.toString() });
}

async function withClient<T>(secret: ApplyResult, work: (c: Client) => Promise<T>): Promise<T> {
  const client = clientFrom(secret);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a login attempt fails with (undefined when it succeeds). */
async function loginError(client: Client): Promise<string | undefined> {
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    // pg leaves the socket open after some failures (an empty password): close it, or the server keeps a backend
    // waiting for the rest of the login.
    await client.end().catch(() => undefined);
    return (error as { code?: string }).code ?? String(error);
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    return Number(
      (await readFile(join(dataDir, 'local', 'postgres', 'data', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
  } catch {
    return undefined;
  }
}

const rds = (component: string, properties: Record<string, string> = {}, password = `pw-${component}-0123456789`) =>
  ({
    type: 'rds',
    component,
    properties: { engine: 'postgresql', ...properties },
    secretProperties: { password },
  }) satisfies RequestSpec;

// Generous: several tests start, stop and adopt real servers on a machine that may be busy.
describe('local provider: rds postgresql on the embedded PostgreSQL server', { timeout: 180_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let provider: LocalResourceProvider;
  const log = new RecordingLog();
  const password = 'p@ss/word:with?odd&chars';
  const spec = {
    type: 'rds' as const,
    component: 'db',
    properties: { engine: 'postgresql', network: 'net' },
    secretProperties: { password },
  };
  let first: ApplyResult;
  let vpcCidr: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDataDir());
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    const vpc = await provider.apply(request({ type: 'vpc', component: 'net' }), log);
    vpcCidr = vpc.outputs.VPC_CIDR;
    first = await provider.apply(
      request({ ...spec, dependencies: { net: { type: 'vpc', externalIds: {}, outputs: vpc.outputs } } }),
      log,
    );
  });
  afterAll(async () => {
    await provider.close();
    await cleanup();
  });

  it('publishes exactly the connection keys, the sensitive ones only in secretOutputs', () => {
    expect(Object.keys(first.outputs).sort()).toEqual([
      'DATABASE_NAME',
      'DB_HOST',
      'DB_ID',
      'DB_NAME',
      'DB_PORT',
      'DB_USER',
    ]);
    expect(Object.keys(first.secretOutputs).sort()).toEqual(['DB_PASSWORD', 'DB_URL']);
    expect(first.secretOutputs.DB_PASSWORD).toBe(password);
    expect(first.secretOutputs.DB_URL).toContain(encodeURIComponent(password));
    expect(JSON.stringify(first.outputs)).not.toContain(password);
    expect(log.lines.join('\n')).not.toContain(password);
  });

  it('is a real PostgreSQL server process, not run as root', async () => {
    const pid = await postmasterPid(dir);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid!)).toBe(true);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).not.toBe(0);
    await withClient(first, async (c) => {
      const version = (await c.query<{ server_version: string }>('show server_version')).rows[0].server_version;
      expect(version).toMatch(/^18\./);
    });
  });

  it('logs in with the secret, as the component role in its own database, and writes and reads', async () => {
    await withClient(first, async (client) => {
      const who = await client.query<{ u: string; d: string }>('select current_user as u, current_database() as d');
      expect(who.rows[0]).toEqual({ u: first.outputs.DB_USER, d: first.outputs.DATABASE_NAME });
      await client.query('create table orders (id serial primary key, item text not null)');
      await client.query('insert into orders (item) values ($1), ($2)', ['apple', 'pear']);
      const rows = await client.query<{ item: string }>('select item from orders order by id');
      expect(rows.rows.map((r) => r.item)).toEqual(['apple', 'pear']);
    });
  });

  it('refuses a wrong password, a missing one, and the superuser with a guessed one (SCRAM on every connection)', async () => {
    expect(await loginError(clientFrom(first, { password: 'not-the-password' }))).toBe('28P01');
    expect(await loginError(clientFrom(first, { user: 'postgres', password: 'postgres' }))).toBe('28P01');
    expect(await loginError(clientFrom(first, { user: 'postgres', password: password }))).toBe('28P01');
    // pg sends an empty password when none is given: refused as well.
    expect(await loginError(clientFrom(first, { password: '' }))).toBeDefined();
  });

  it('serves concurrent clients with real transaction isolation', async () => {
    const pool = new Pool({ connectionString: first.secretOutputs.DB_URL, max: 4 });
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => pool.query('insert into orders (item) values ($1)', [`parallel-${i}`])),
      );
      // Four transactions open at once: each has inserted its row before any looks, and each sees only its own.
      const clients = await Promise.all([0, 1, 2, 3].map(() => pool.connect()));
      try {
        await Promise.all(clients.map((c) => c.query('begin')));
        await Promise.all(clients.map((c, i) => c.query('insert into orders (item) values ($1)', [`tx-${i}`])));
        const seen = await Promise.all(
          clients.map(
            async (c) => (await c.query(`select count(*)::int as n from orders where item like 'tx-%'`)).rows[0].n,
          ),
        );
        expect(seen).toEqual([1, 1, 1, 1]);
        await Promise.all(clients.map((c, i) => c.query(i % 2 === 0 ? 'commit' : 'rollback')));
      } finally {
        for (const c of clients) c.release();
      }
      const counts = await pool.query(
        `select count(*) filter (where item like 'parallel-%')::int as p, count(*) filter (where item like 'tx-%')::int as t from orders`,
      );
      expect(counts.rows[0]).toEqual({ p: 20, t: 2 });
    } finally {
      await pool.end();
    }
  });

  it('puts every component on the one server, each in a database the others cannot enter', async () => {
    const other = await provider.apply(request(rds('other')), log);
    expect(other.outputs.DB_PORT).toBe(first.outputs.DB_PORT);
    expect(other.outputs.DATABASE_NAME).not.toBe(first.outputs.DATABASE_NAME);
    // The other role, with its own valid password, is refused at the first component's database.
    const url = new URL(other.secretOutputs.DB_URL);
    url.pathname = `/${first.outputs.DATABASE_NAME}`;
    const intruder = new Client({ connectionString: url.toString() });
    expect(await loginError(intruder)).toBe('42501');
    await provider.destroy(request(rds('other')), log);
  });

  it('grants what `privilege` asks for', async () => {
    const tries = async (secret: ApplyResult) =>
      withClient(secret, async (c) => {
        const attempt = async (sql: string) =>
          c.query(sql).then(
            () => 'ok',
            (e: { code?: string }) => e.code,
          );
        return {
          table: await attempt('create table t (v int)'),
          schema: await attempt('create schema s'),
        };
      });
    const owner = await provider.apply(request(rds('owner', { privilege: 'DBOwner' })), log);
    const readWrite = await provider.apply(request(rds('rw', { privilege: 'ReadWrite' })), log);
    const readOnly = await provider.apply(request(rds('ro', { privilege: 'ReadOnly' })), log);
    const dml = await provider.apply(request(rds('dml', { privilege: 'DMLOnly' })), log);
    try {
      expect(await tries(owner)).toEqual({ table: 'ok', schema: 'ok' });
      expect(await tries(readWrite)).toEqual({ table: 'ok', schema: 'ok' });
      expect(await tries(readOnly)).toEqual({ table: '42501', schema: '42501' });
      expect(await tries(dml)).toEqual({ table: '42501', schema: '42501' });
      const owners = await withClient(owner, (c) =>
        c.query<{ o: string }>(
          'select pg_get_userbyid(datdba) as o from pg_database where datname = current_database()',
        ),
      );
      expect(owners.rows[0].o).toBe(owner.outputs.DB_USER);
      // Changing the privilege re-grants: the read-only account becomes read-write.
      const upgraded = await provider.apply(request(rds('ro', { privilege: 'ReadWrite' })), log);
      expect((await tries(upgraded)).table).toBe('ok');
    } finally {
      for (const c of ['owner', 'rw', 'ro', 'dml']) await provider.destroy(request(rds(c)), log);
    }
  });

  it('creates 8 databases at once on the one server', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `many${i}`);
    const results = await Promise.all(names.map((n) => provider.apply(request(rds(n)), log)));
    try {
      expect(new Set(results.map((r) => r.outputs.DB_PORT))).toEqual(new Set([first.outputs.DB_PORT]));
      for (const r of results)
        expect(await withClient(r, async (c) => (await c.query('select current_user as u')).rows[0].u)).toBe(
          r.outputs.DB_USER,
        );
    } finally {
      await Promise.all(names.map((n) => provider.destroy(request(rds(n)), log)));
    }
  });

  it("defaults the allow-list to the network's CIDR (recorded; the embedded server listens on loopback only)", async () => {
    const deps = { net: { type: 'vpc' as const, externalIds: {}, outputs: { VPC_CIDR: vpcCidr } } };
    const plan = await provider.preview(request({ ...spec, dependencies: deps }));
    expect(plan.changes[0].detail).toContain(`allow-list ${vpcCidr}`);
    expect(log.lines.join('\n')).toContain(`allow-list ${vpcCidr}`);
  });

  it('applying twice gives the same resource and outputs', async () => {
    const again = await provider.apply(request(spec), log);
    expect(again.outputs).toEqual(first.outputs);
    expect((await provider.preview(request(spec))).changes[0].action).toBe('same');
  });

  it('rotation: old and new passwords both log in until revoke, then the old login is refused', async () => {
    const rotated = await provider.rotate(request(spec), log);
    expect(rotated.outputs.DB_USER).not.toBe(first.outputs.DB_USER);
    for (const secret of [first, rotated]) {
      // Both act as the owner role, so both see the same objects.
      const row = await withClient(
        secret,
        async (c) => (await c.query('select current_user as u, count(*)::int as n from orders')).rows[0],
      );
      expect(row.u).toBe(first.outputs.DB_USER);
    }
    await provider.revoke(request(spec), rotated.revoke, log);
    expect(await loginError(clientFrom(first))).toBe('28000');
    expect(await loginError(clientFrom(rotated))).toBeUndefined();
    first = rotated;
  });

  it('keeps the data across a restart, on the same port', async () => {
    await provider.close();
    expect(await postmasterPid(dir)).toBeUndefined();
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    expect((await provider.refresh(request(spec))).drifted).toBe(false);
    const rows = await withClient(first, (c) =>
      c.query<{ item: string }>(`select item from orders where item in ('apple', 'pear') order by id`),
    );
    expect(rows.rows.map((r) => r.item)).toEqual(['apple', 'pear']);
  });

  it('comes back on a new port when the old one is taken: refresh reports DB_PORT drift and apply re-issues it', async () => {
    await provider.close();
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(Number(first.outputs.DB_PORT), '127.0.0.1', () => r()));
    try {
      provider = new LocalResourceProvider({ dataDir: dir });
      await provider.start();
      const drift = await provider.refresh(request(spec));
      expect(drift).toMatchObject({ drifted: true, exists: true });
      expect(drift.differences[0]).toMatchObject({ field: 'DB_PORT', expected: first.outputs.DB_PORT });
      const reissued = await provider.apply(request(spec), log);
      expect(reissued.outputs.DB_PORT).toBe(drift.differences[0].actual);
      expect(reissued.outputs.DB_PORT).not.toBe(first.outputs.DB_PORT);
      const n = await withClient(
        reissued,
        async (c) => (await c.query(`select count(*)::int as n from orders where item = 'apple'`)).rows[0].n,
      );
      expect(n).toBe(1);
      expect((await provider.refresh(request(spec))).drifted).toBe(false);
      first = reissued;
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });

  it('removes a stale pid file (its pid now another program) instead of being blocked by it', async () => {
    await provider.close();
    // What a crash can leave: postmaster.pid naming a pid that is alive but is not a postgres (here: this test).
    const pidFile = join(dir, 'local', 'postgres', 'data', 'postmaster.pid');
    await writeFile(
      pidFile,
      `${process.pid}\n${join(dir, 'local', 'postgres', 'data')}\n0\n${first.outputs.DB_PORT}\n\n127.0.0.1\n0 0\nready\n`,
    );
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    expect(provider.isRunning('rds', first.outputs.DB_ID)).toBe(true);
    expect(await postmasterPid(dir)).not.toBe(process.pid);
    expect(await withClient(first, async (c) => (await c.query('select 1 as one')).rows[0].one)).toBe(1);
  });

  it('refuses mysql without BERTH_LOCAL_MYSQL_URL, at /engine, naming the variable', () => {
    const problems = provider.validateComponent('rds', { engine: 'mysql' }, { kind: 'local', settings: {} });
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('/engine');
    expect(problems[0].message).toContain('BERTH_LOCAL_MYSQL_URL');
    expect(
      provider.validateComponent(
        'rds',
        { engine: 'postgresql', securityIps: '0.0.0.0/0' },
        { kind: 'local', settings: {} },
      )[0].path,
    ).toBe('/securityIps');
    expect(
      provider.validateComponent('rds', { accountName: 'postgres' }, { kind: 'local', settings: {} })[0].path,
    ).toBe('/accountName');
  });

  it('refuses a request without a password as InvalidRequest and honours an aborted signal', async () => {
    await expect(
      provider.apply(request({ ...spec, component: 'nopass', secretProperties: {} }), log),
    ).rejects.toMatchObject({ code: ProviderErrorCode.InvalidRequest });
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      provider.apply(request({ ...spec, component: 'late', signal: aborted.signal }), log),
    ).rejects.toMatchObject({ code: ProviderErrorCode.Timeout });
  });

  it('destroy drops the role and the database; the login is refused; destroying twice succeeds', async () => {
    const witness = await provider.apply(request(rds('witness')), log);
    await provider.destroy(request(spec), log);
    await provider.destroy(request(spec), log);
    expect((await provider.refresh(request(spec))).exists).toBe(false);
    expect(await loginError(clientFrom(first))).toBe('28P01');
    // The catalogs are readable by every role: the witness sees that neither the database nor a role of it is left.
    const left = await withClient(witness, async (c) => ({
      db: (await c.query('select 1 from pg_database where datname = $1', [first.outputs.DATABASE_NAME])).rowCount,
      roles: (await c.query('select 1 from pg_roles where rolname like $1', [`${first.outputs.DB_USER.slice(0, -2)}%`]))
        .rowCount,
    }));
    expect(left).toEqual({ db: 0, roles: 0 });
    await provider.destroy(request(rds('witness')), log);
  });
});

describe(
  'local provider: the embedded PostgreSQL outlives a SIGKILLed owner and is adopted',
  { timeout: 180_000 },
  () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let child: OwnerProcess | undefined;
    let provider: LocalResourceProvider | undefined;

    beforeAll(async () => {
      ({ dir, cleanup } = await tempDataDir());
    });
    afterAll(async () => {
      await child?.kill();
      await provider?.close();
      // A server nobody closed stops by itself once its data dir is gone (PostgreSQL rechecks its lock file).
      const pid = await postmasterPid(dir);
      if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
      await cleanup();
    });

    /** Runs support/cluster-owner.child.ts until it printed its apply result. */
    async function owner(component: string, password: string): Promise<ApplyResult> {
      child = startOwner('cluster-owner.child.ts', {
        BERTH_DATA_DIR: dir,
        CHILD_COMPONENT: component,
        CHILD_PASSWORD: password,
      });
      return child.result;
    }

    it('after kill -9 of the owning process the server keeps running; the next start adopts it with its data', async () => {
      const secret = await owner('db', 'first-owner-password');
      await withClient(secret, (c) =>
        c.query(`create table kept (v text); insert into kept values ('before the kill')`),
      );
      const serverPid = await postmasterPid(dir);
      expect(serverPid).toBeGreaterThan(0);

      await child!.kill();
      child = undefined;
      expect(alive(serverPid!)).toBe(true);

      const log = new RecordingLog();
      provider = new LocalResourceProvider({ dataDir: dir });
      await provider.start({ log: (level, message) => log.log(level, message) });
      expect(log.lines.join('\n')).toContain(`adopted the running server (pid ${serverPid})`);
      // The same server: no second postmaster on the data dir.
      expect(await postmasterPid(dir)).toBe(serverPid);
      const rows = await withClient(secret, (c) => c.query<{ v: string }>('select v from kept'));
      expect(rows.rows).toEqual([{ v: 'before the kill' }]);
      expect((await provider.refresh(request(rds('db')))).drifted).toBe(false);

      // And the adopting service runs it like its own: a new database, then a clean stop.
      const second = await provider.apply(request(rds('db2')), new RecordingLog());
      expect(await withClient(second, async (c) => (await c.query('select current_database() as d')).rows[0].d)).toBe(
        second.outputs.DATABASE_NAME,
      );
      await provider.close();
      provider = undefined;
      await until(() => !alive(serverPid!), 'the adopted server to stop');
    });

    it('a SIGKILLed server leaves a pid file behind; the next start replaces it with a running server', async () => {
      provider = new LocalResourceProvider({ dataDir: dir });
      await provider.start();
      const killed = (await postmasterPid(dir))!;
      await provider.close().catch(() => undefined);
      provider = undefined;
      // Bring it up once more and kill the postmaster itself: its pid file stays, naming a dead process.
      const again = new LocalResourceProvider({ dataDir: dir });
      await again.start();
      const victim = (await postmasterPid(dir))!;
      expect(victim).not.toBe(killed);
      process.kill(victim, 'SIGKILL');
      await until(() => !alive(victim), 'the killed postmaster to be gone');
      expect(existsSync(join(dir, 'local', 'postgres', 'data', 'postmaster.pid'))).toBe(true);

      provider = new LocalResourceProvider({ dataDir: dir });
      await provider.start();
      const fresh = await postmasterPid(dir);
      expect(fresh).toBeGreaterThan(0);
      expect(fresh).not.toBe(victim);
      const secret = await provider.apply(request(rds('db3')), new RecordingLog());
      expect(await withClient(secret, async (c) => (await c.query('select 1 as one')).rows[0].one)).toBe(1);
    });
  },
);
