import { ProviderErrorCode, type ApplyResult } from '@berth/core';
import { LocalResourceProvider } from '@berth/provider-local';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLog, request, tempDataDir } from './local-request.fixture';

/** A pg client built only from what the connection secret says. */
function clientFrom(secret: ApplyResult): Client {
  return new Client({ connectionString: secret.secretOutputs.DB_URL });
}

describe('local provider: rds postgresql embedded (PGlite over the wire protocol)', () => {
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

  it('creates, writes and reads a table as the component role in its own database', async () => {
    const client = clientFrom(first);
    await client.connect();
    const who = await client.query<{ u: string; d: string }>('select current_user as u, current_database() as d');
    expect(who.rows[0]).toEqual({ u: first.outputs.DB_USER, d: first.outputs.DATABASE_NAME });
    await client.query('create table orders (id serial primary key, item text not null)');
    await client.query('insert into orders (item) values ($1), ($2)', ['apple', 'pear']);
    const rows = await client.query<{ item: string }>('select item from orders order by id');
    expect(rows.rows.map((r) => r.item)).toEqual(['apple', 'pear']);
    await client.end();
  });

  it('serves several clients at once (queries are queued through the one PGlite backend)', async () => {
    const pool = new Pool({ connectionString: first.secretOutputs.DB_URL, max: 4 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => pool.query('insert into orders (item) values ($1)', [`parallel-${i}`])),
    );
    // Interleaved transactions stay isolated: each sees its own insert, the rolled-back ones leave nothing.
    const tx = async (i: number) => {
      const c = await pool.connect();
      try {
        await c.query('begin');
        await c.query('insert into orders (item) values ($1)', [`tx-${i}`]);
        const seen = await c.query('select count(*)::int as n from orders where item = $1', [`tx-${i}`]);
        await c.query(i % 2 === 0 ? 'commit' : 'rollback');
        return seen.rows[0].n as number;
      } finally {
        c.release();
      }
    };
    expect(await Promise.all([0, 1, 2, 3].map(tx))).toEqual([1, 1, 1, 1]);
    const counts = await pool.query(
      `select count(*) filter (where item like 'parallel-%')::int as p, count(*) filter (where item like 'tx-%')::int as t from orders`,
    );
    expect(counts.rows[0]).toEqual({ p: 20, t: 2 });
    await pool.end();
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

  it('keeps the data across a restart, on the same port', async () => {
    await provider.close();
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    expect((await provider.refresh(request(spec))).drifted).toBe(false);
    const client = clientFrom(first);
    await client.connect();
    const rows = await client.query<{ item: string }>(
      `select item from orders where item in ('apple', 'pear') order by id`,
    );
    expect(rows.rows.map((r) => r.item)).toEqual(['apple', 'pear']);
    await client.end();
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
      const client = clientFrom(reissued);
      await client.connect();
      expect((await client.query(`select count(*)::int as n from orders where item = 'apple'`)).rows[0].n).toBe(1);
      await client.end();
      expect((await provider.refresh(request(spec))).drifted).toBe(false);
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
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

  it('destroy removes the server and its data; destroying twice succeeds', async () => {
    const dataPath = join(dir, 'local', 'rds', first.outputs.DB_ID);
    expect(existsSync(dataPath)).toBe(true);
    await provider.destroy(request(spec), log);
    await provider.destroy(request(spec), log);
    expect(existsSync(dataPath)).toBe(false);
    expect((await provider.refresh(request(spec))).exists).toBe(false);
    const client = clientFrom(first);
    await expect(client.connect()).rejects.toThrow();
  });
});
