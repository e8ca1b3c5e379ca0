import { ProviderErrorCode, type ApplyResult } from '@berth/core';
import { randomBytes } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../providers/local/src/support/process/find-executable';
import { RecordingLog, request, tempDataDir, type RequestSpec } from './local-request.fixture';
import { localRedis, REDIS, type LocalRedis } from './support/redis-resource.fixture';

/**
 * The credentials a redis component issues, checked with a real client on both servers the local provider uses:
 * the one at BERTH_LOCAL_REDIS_URL (TEST_REDIS_URL here) and its own redis-server.
 */
const MODES = [
  {
    mode: 'the Redis at BERTH_LOCAL_REDIS_URL',
    skip: process.env.TEST_REDIS_URL ? undefined : 'TEST_REDIS_URL is not set (no Redis on 127.0.0.1:6379)',
    options: () => ({ redisAdminUrl: process.env.TEST_REDIS_URL }),
    adminUrl: async () => process.env.TEST_REDIS_URL!,
  },
  {
    mode: 'the embedded redis-server',
    skip: findExecutable('redis-server') ? undefined : 'redis-server is not on PATH',
    options: () => ({}),
    adminUrl: async (redis: LocalRedis, secret: ApplyResult) =>
      `redis://default:${encodeURIComponent(await redis.embeddedAdminPassword())}@127.0.0.1:${secret.outputs.REDIS_PORT}`,
  },
];

async function connect(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function withClient<T>(url: string, work: (c: RedisClientType) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

/** 'ok', or the first word of the server's error reply (NOPERM, WRONGPASS, …). */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    return /^([A-Z]+)\b/.exec((error as Error).message)?.[1] ?? (error as Error).message;
  }
}

/** Whether a login with this URL succeeds: 'ok' or the reply word (WRONGPASS). */
async function login(url: string): Promise<string> {
  return outcome(withClient(url, (c) => c.ping()));
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

for (const { mode, skip, options, adminUrl } of MODES) {
  if (skip) console.log(`redis credentials on ${mode}: skipped (${skip})`);
  describe.skipIf(skip !== undefined)(`local provider: redis credentials on ${mode}`, { timeout: 120_000 }, () => {
    // A unique environment: its users and keys cannot meet those of parallel runs on a shared server.
    const environment = `t${randomBytes(4).toString('hex')}`;
    const password = 'p@ss/word:with?odd&chars 1';
    const spec = (component: string, extra: Partial<RequestSpec> = {}) =>
      ({
        type: REDIS,
        environment,
        component,
        secretProperties: { password: `${password}-${component}` },
        ...extra,
      }) satisfies RequestSpec;
    const withReader = { accounts: [{ name: 'reader', password: 'reader-pw-1', privilege: 'RoleReadOnly' }] };
    const log = new RecordingLog();
    let dir: string;
    let cleanup: () => Promise<void>;
    let redis: LocalRedis;
    let first: ApplyResult;
    let admin: string;

    beforeAll(async () => {
      ({ dir, cleanup } = await tempDataDir());
      redis = localRedis(dir, options());
      await redis.start();
      first = await redis.resource.apply(request(spec('cache')), log);
      admin = await adminUrl(redis, first);
    });
    afterAll(async () => {
      for (const c of ['cache', 'other', 'multi'])
        await redis.resource.destroy(request(spec(c)), log).catch(() => undefined);
      await redis.resource.closeAll();
      await cleanup();
    });

    it('publishes exactly the connection keys, the password and URL only as secret outputs', () => {
      expect(Object.keys(first.outputs).sort()).toEqual([
        'REDIS_CONNECT_ADDRESS',
        'REDIS_HOST',
        'REDIS_KEY_PREFIX',
        'REDIS_NAME',
        'REDIS_PORT',
        'REDIS_USER',
      ]);
      expect(Object.keys(first.secretOutputs).sort()).toEqual(['REDIS_PASSWORD', 'REDIS_URL']);
      expect(first.outputs.REDIS_CONNECT_ADDRESS).toBe(`${first.outputs.REDIS_HOST}:${first.outputs.REDIS_PORT}`);
      expect(first.outputs.REDIS_USER).toBe(`${environment}.shop.cache`);
      expect(first.outputs.REDIS_KEY_PREFIX).toBe(`${environment}.shop.cache:`);
      expect(first.secretOutputs.REDIS_PASSWORD).toBe(`${password}-cache`);
      const url = new URL(first.secretOutputs.REDIS_URL);
      expect(decodeURIComponent(url.username)).toBe(first.outputs.REDIS_USER);
      expect(decodeURIComponent(url.password)).toBe(`${password}-cache`);
      expect(JSON.stringify(first.outputs)).not.toContain(password);
      expect(log.lines.join('\n')).not.toContain(password);
    });

    it('the bound credentials write and read under their prefix, keys and channels', async () => {
      const prefix = first.outputs.REDIS_KEY_PREFIX;
      await withClient(first.secretOutputs.REDIS_URL, async (c) => {
        expect(await c.aclWhoAmI()).toBe(first.outputs.REDIS_USER);
        await c.set(`${prefix}greeting`, 'hello');
        await c.hSet(`${prefix}cart:1`, { apple: '2', pear: '1' });
        await c.rPush(`${prefix}queue`, ['a', 'b', 'c']);
        expect(await c.get(`${prefix}greeting`)).toBe('hello');
        expect(await c.hGetAll(`${prefix}cart:1`)).toEqual({ apple: '2', pear: '1' });
        expect(await c.lRange(`${prefix}queue`, 0, -1)).toEqual(['a', 'b', 'c']);
        const found: string[] = [];
        for await (const batch of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) found.push(...batch);
        expect(found.sort()).toEqual([`${prefix}cart:1`, `${prefix}greeting`, `${prefix}queue`]);
      });
      // Pub/sub on a channel under the prefix: one connection subscribes, another publishes.
      const subscriber = await connect(first.secretOutputs.REDIS_URL);
      try {
        const received = new Promise<string>((resolve) => {
          void subscriber.subscribe(`${prefix}events`, (message) => resolve(message));
        });
        await new Promise((r) => setTimeout(r, 100));
        await withClient(first.secretOutputs.REDIS_URL, (c) => c.publish(`${prefix}events`, 'ping'));
        expect(await received).toBe('ping');
      } finally {
        subscriber.destroy();
      }
    });

    it('refuses keys, channels and commands beyond the prefix (NOPERM)', async () => {
      const other = await redis.resource.apply(request(spec('other')), log);
      await withClient(other.secretOutputs.REDIS_URL, (c) => c.set(`${other.outputs.REDIS_KEY_PREFIX}mine`, 'x'));
      await withClient(first.secretOutputs.REDIS_URL, async (c) => {
        expect(await outcome(c.get('unprefixed'))).toBe('NOPERM');
        expect(await outcome(c.set('unprefixed', '1'))).toBe('NOPERM');
        // Another component's keys, even on the same server.
        expect(await outcome(c.get(`${other.outputs.REDIS_KEY_PREFIX}mine`))).toBe('NOPERM');
        expect(await outcome(c.publish('elsewhere', 'x'))).toBe('NOPERM');
        expect(await outcome(c.flushAll())).toBe('NOPERM');
        expect(await outcome(c.keys('*'))).toBe('NOPERM');
        expect(await outcome(c.configGet('*'))).toBe('NOPERM');
        expect(await outcome(c.sendCommand(['ACL', 'LIST']))).toBe('NOPERM');
      });
      await withClient(other.secretOutputs.REDIS_URL, async (c) => {
        expect(await outcome(c.get(`${first.outputs.REDIS_KEY_PREFIX}greeting`))).toBe('NOPERM');
      });
    });

    it('refuses a wrong password, and the user with another component’s password', async () => {
      expect(await login(withPassword(first.secretOutputs.REDIS_URL, 'not-the-password'))).toBe('WRONGPASS');
      expect(await login(withPassword(first.secretOutputs.REDIS_URL, `${password}-other`))).toBe('WRONGPASS');
      expect(await login(first.secretOutputs.REDIS_URL)).toBe('ok');
    });

    it('gives accounts[] users of their own under the same prefix, read-only when asked', async () => {
      const accounts = [
        { name: 'reader', password: 'reader-pw-1', privilege: 'RoleReadOnly' },
        { name: 'writer', password: 'writer-pw-1' },
      ];
      const result = await redis.resource.apply(request(spec('cache', { properties: { accounts } })), log);
      expect(result.outputs).toEqual(first.outputs);
      const as = (name: string, pw: string) => {
        const url = new URL(first.secretOutputs.REDIS_URL);
        url.username = encodeURIComponent(`${first.outputs.REDIS_USER}.${name}`);
        url.password = encodeURIComponent(pw);
        return url.toString();
      };
      const prefix = first.outputs.REDIS_KEY_PREFIX;
      await withClient(as('reader', 'reader-pw-1'), async (c) => {
        expect(await c.get(`${prefix}greeting`)).toBe('hello');
        expect(await outcome(c.set(`${prefix}greeting`, 'changed'))).toBe('NOPERM');
        expect(await outcome(c.get('unprefixed'))).toBe('NOPERM');
      });
      await withClient(as('writer', 'writer-pw-1'), async (c) => {
        expect(await c.set(`${prefix}from-writer`, 'w')).toBe('OK');
        expect(await outcome(c.get('unprefixed'))).toBe('NOPERM');
      });
      // Dropped from the document: its user goes.
      await redis.resource.apply(request(spec('cache', { properties: { accounts: [accounts[0]] } })), log);
      expect(await login(as('writer', 'writer-pw-1'))).toBe('WRONGPASS');
      expect(await login(as('reader', 'reader-pw-1'))).toBe('ok');
    });

    it('applying again gives the same user and outputs; preview says same', async () => {
      const props = withReader;
      const again = await redis.resource.apply(request(spec('cache', { properties: props })), log);
      expect(again).toEqual(first);
      expect((await redis.resource.preview(request(spec('cache', { properties: props })))).changes[0].action).toBe(
        'same',
      );
      expect((await redis.resource.preview(request(spec('cache')))).changes[0].action).toBe('update');
      expect((await redis.resource.preview(request(spec('new-one')))).changes[0].action).toBe('create');
    });

    it('refresh reports changed rules and a missing user; apply repairs both', async () => {
      const props = withReader;
      const req = () => request(spec('cache', { properties: props }));
      expect(await redis.resource.refresh(req())).toEqual({ drifted: false, exists: true, differences: [] });
      const user = first.outputs.REDIS_USER;
      await withClient(admin, (c) => c.sendCommand(['ACL', 'SETUSER', user, '~*', '+@dangerous']));
      const drift = await redis.resource.refresh(req());
      expect(drift.drifted).toBe(true);
      expect(drift.differences.map((d) => d.field).sort()).toEqual([`${user}/commands`, `${user}/keys`]);
      await withClient(admin, (c) => c.sendCommand(['ACL', 'SETUSER', `${user}.reader`, '>added-by-hand']));
      expect((await redis.resource.refresh(req())).differences.map((d) => d.field)).toContain(
        `${user}.reader/passwords`,
      );
      expect(JSON.stringify(await redis.resource.refresh(req()))).not.toContain('added-by-hand');
      await redis.resource.apply(req(), log);
      expect((await redis.resource.refresh(req())).drifted).toBe(false);
      await withClient(first.secretOutputs.REDIS_URL, async (c) => {
        expect(await outcome(c.get('unprefixed'))).toBe('NOPERM');
      });

      await withClient(admin, (c) => c.sendCommand(['ACL', 'DELUSER', user]));
      expect(await redis.resource.refresh(req())).toEqual({
        drifted: true,
        exists: false,
        differences: [{ field: 'REDIS_USER', expected: user }],
      });
      await redis.resource.apply(req(), log);
      expect(await login(first.secretOutputs.REDIS_URL)).toBe('ok');
    });

    it('rotation: both passwords work until revoke, then only the new one', async () => {
      const rotated = await redis.resource.rotate(request(spec('cache')), log);
      expect(rotated.outputs).toEqual(first.outputs);
      expect(rotated.secretOutputs.REDIS_PASSWORD).not.toBe(first.secretOutputs.REDIS_PASSWORD);
      // The handle names the old password; it holds neither the password nor its hash.
      expect(Object.keys(rotated.revoke).sort()).toEqual(['password', 'user']);
      expect(JSON.stringify(rotated.revoke)).not.toMatch(/[0-9a-f]{64}/);
      expect(JSON.stringify(rotated.revoke)).not.toContain(first.secretOutputs.REDIS_PASSWORD);
      expect(log.lines.join('\n')).not.toContain(rotated.secretOutputs.REDIS_PASSWORD);
      expect(await login(first.secretOutputs.REDIS_URL)).toBe('ok');
      expect(await login(rotated.secretOutputs.REDIS_URL)).toBe('ok');
      // The same user and keys behind both passwords.
      expect(
        await withClient(rotated.secretOutputs.REDIS_URL, (c) => c.get(`${first.outputs.REDIS_KEY_PREFIX}greeting`)),
      ).toBe('hello');

      // An apply between rotate and revoke (the broker now holds the new password) keeps the old one valid.
      const held = { password: rotated.secretOutputs.REDIS_PASSWORD };
      await redis.resource.apply(request(spec('cache', { secretProperties: held, properties: withReader })), log);
      expect(await login(first.secretOutputs.REDIS_URL)).toBe('ok');

      await redis.resource.revoke(request(spec('cache', { secretProperties: held })), rotated.revoke, log);
      expect(await login(first.secretOutputs.REDIS_URL)).toBe('WRONGPASS');
      expect(await login(rotated.secretOutputs.REDIS_URL)).toBe('ok');
      expect((await redis.resource.refresh(request(spec('cache', { secretProperties: held })))).drifted).toBe(false);
      // Revoking twice is done already; the current password is never revoked.
      await redis.resource.revoke(request(spec('cache', { secretProperties: held })), rotated.revoke, log);
      const again = await redis.resource.rotate(request(spec('cache', { secretProperties: held })), log);
      await expect(
        redis.resource.revoke(request(spec('cache')), { user: first.outputs.REDIS_USER, password: 'p99' }, log),
      ).resolves.toBeUndefined();
      await redis.resource.revoke(request(spec('cache')), again.revoke, log);
      expect(await login(again.secretOutputs.REDIS_URL)).toBe('ok');
      expect(await login(rotated.secretOutputs.REDIS_URL)).toBe('WRONGPASS');
      first = again;
    });

    it('refuses a request without a password and honours an aborted signal', async () => {
      await expect(redis.resource.apply(request(spec('nopass', { secretProperties: {} })), log)).rejects.toMatchObject({
        code: ProviderErrorCode.InvalidRequest,
      });
      await expect(
        redis.resource.apply(
          request(
            spec('cache', {
              properties: { accounts: [{ name: 'nopw' }] },
              secretProperties: { password: first.secretOutputs.REDIS_PASSWORD },
            }),
          ),
          log,
        ),
      ).rejects.toMatchObject({ code: ProviderErrorCode.InvalidRequest });
      const aborted = new AbortController();
      aborted.abort();
      await expect(redis.resource.apply(request(spec('late', { signal: aborted.signal })), log)).rejects.toMatchObject({
        code: ProviderErrorCode.Timeout,
      });
    });

    it.runIf(mode.includes('BERTH_LOCAL_REDIS_URL'))(
      'a component on the server of BERTH_LOCAL_REDIS_URL is Unavailable once the variable is unset',
      async () => {
        const without = localRedis(dir, { searchPath: '' });
        // One call at a time: a rejection must be awaited before the next call starts, or it goes unhandled.
        for (const attempt of [
          () => without.resource.refresh(request(spec('cache'))),
          () => without.resource.destroy(request(spec('cache')), log),
        ]) {
          await expect(attempt()).rejects.toMatchObject({ code: ProviderErrorCode.Unavailable });
        }
        await expect(
          without.resource.apply(request(spec('cache', { secretProperties: { password: 'x' } })), log),
        ).rejects.toThrow(/BERTH_LOCAL_REDIS_URL/);
        expect(await login(first.secretOutputs.REDIS_URL)).toBe('ok');
      },
    );

    it('destroy removes the users and every key under the prefix, and nothing else; twice is fine', async () => {
      const prefix = first.outputs.REDIS_KEY_PREFIX;
      const readerUrl = () => {
        const url = new URL(first.secretOutputs.REDIS_URL);
        url.username = encodeURIComponent(`${first.outputs.REDIS_USER}.reader`);
        url.password = 'reader-pw-1';
        return url.toString();
      };
      const other = await redis.resource.apply(request(spec('other')), log);
      // Enough keys for several SCAN batches, in two databases.
      await withClient(first.secretOutputs.REDIS_URL, async (c) => {
        const multi = c.multi();
        for (let i = 0; i < 1200; i++) multi.set(`${prefix}bulk:${i}`, String(i));
        await multi.exec();
        await c.select(1);
        await c.set(`${prefix}in-db-1`, 'x');
      });
      expect(await login(readerUrl())).toBe('ok');
      await redis.resource.destroy(request(spec('cache', { properties: withReader })), log);
      await redis.resource.destroy(request(spec('cache', { properties: withReader })), log);
      expect(await login(first.secretOutputs.REDIS_URL)).toBe('WRONGPASS');
      expect(await login(readerUrl())).toBe('WRONGPASS');
      expect((await redis.resource.refresh(request(spec('cache')))).exists).toBe(false);
      // The same component created again (same prefix) starts empty; the other component kept its key.
      const fresh = await redis.resource.apply(request(spec('cache')), log);
      await withClient(fresh.secretOutputs.REDIS_URL, async (c) => {
        expect(await c.get(`${prefix}greeting`)).toBeNull();
        expect(await c.get(`${prefix}bulk:7`)).toBeNull();
        await c.select(1);
        expect(await c.get(`${prefix}in-db-1`)).toBeNull();
      });
      expect(
        await withClient(other.secretOutputs.REDIS_URL, (c) => c.get(`${other.outputs.REDIS_KEY_PREFIX}mine`)),
      ).toBe('x');
      expect(
        await withClient(admin, async (c) => {
          let n = 0;
          for await (const batch of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) n += batch.length;
          return n;
        }),
      ).toBe(0);
    });
  });
}
