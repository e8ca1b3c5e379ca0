import type { ApplyResult } from '@berth/core';
import { existsSync } from 'node:fs';
import { readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../providers/local/src/support/process/find-executable';
import { alive, startOwner, until, type OwnerProcess } from './support/owner-process';
import { RecordingLog, request, tempDataDir } from './local-request.fixture';
import { localRedis, REDIS, type LocalRedis } from './support/redis-resource.fixture';

const REDIS_SERVER = findExecutable('redis-server');
if (!REDIS_SERVER) console.log('the embedded redis-server suites: skipped (redis-server is not on PATH)');

async function withClient<T>(secret: ApplyResult, work: (c: RedisClientType) => Promise<T>): Promise<T> {
  const client: RedisClientType = createClient({
    url: secret.secretOutputs.REDIS_URL,
    socket: { reconnectStrategy: false, connectTimeout: 10_000 },
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

function pidFile(dir: string): string {
  return join(dir, 'local', 'redis', 'redis.pid');
}

async function serverPid(dir: string): Promise<number | undefined> {
  try {
    return Number((await readFile(pidFile(dir), 'utf8')).trim());
  } catch {
    return undefined;
  }
}

const redisSpec = (component: string, password = `pw-${component}-0123456789`) => ({
  type: REDIS,
  component,
  secretProperties: { password },
});

describe.skipIf(!REDIS_SERVER)('local provider: redis on its own redis-server', { timeout: 120_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let redis: LocalRedis;
  let first: ApplyResult;
  const log = new RecordingLog();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDataDir());
    redis = localRedis(dir);
    await redis.start();
    first = await redis.resource.apply(request(redisSpec('cache')), log);
  });
  afterAll(async () => {
    await redis.resource.closeAll();
    await cleanup();
  });

  it('is a real redis-server of its own: its own port and directory, not root, no admin login without a password', async () => {
    const pid = (await serverPid(dir))!;
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(true);
    expect(await readlink(`/proc/${pid}/cwd`)).toBe(await realpath(join(dir, 'local', 'redis', 'data')));
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    expect(Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])).not.toBe(0);
    expect(first.outputs.REDIS_HOST).toBe('127.0.0.1');
    expect(first.outputs.REDIS_PORT).not.toBe('6379');
    const version = await withClient(first, async (c) => {
      await c.set(`${first.outputs.REDIS_KEY_PREFIX}kept`, 'before the restart');
      return c.sendCommand(['HELLO']).then((reply) => (reply as unknown as unknown[])[3]);
    });
    expect(String(version)).toMatch(/^\d+\.\d+\.\d+$/);
    // The default user has a password (derived from the data dir's master key): none works without it.
    const anonymous = createClient({
      url: `redis://127.0.0.1:${first.outputs.REDIS_PORT}`,
      socket: { reconnectStrategy: false },
    });
    anonymous.on('error', () => undefined);
    await anonymous.connect();
    try {
      await expect(anonymous.get('x')).rejects.toThrow(/NOAUTH/);
    } finally {
      anonymous.destroy();
    }
    // Its users file holds hashes, never a password.
    const users = await readFile(join(dir, 'local', 'redis', 'users.acl'), 'utf8');
    expect(users).toContain(first.outputs.REDIS_USER);
    expect(users).not.toContain(first.secretOutputs.REDIS_PASSWORD);
    expect(users).not.toContain(await redis.embeddedAdminPassword());
  });

  it('puts every component on the one server', async () => {
    const other = await redis.resource.apply(request(redisSpec('other')), log);
    expect(other.outputs.REDIS_PORT).toBe(first.outputs.REDIS_PORT);
    expect(other.outputs.REDIS_USER).not.toBe(first.outputs.REDIS_USER);
    await redis.resource.destroy(request(redisSpec('other')), log);
  });

  it('keeps users and keys across a restart, on the same port', async () => {
    await redis.resource.closeAll();
    expect(await serverPid(dir)).toBeUndefined();
    redis = localRedis(dir);
    await redis.start();
    expect(redis.resource.isRunning()).toBe(true);
    expect((await redis.resource.refresh(request(redisSpec('cache')))).drifted).toBe(false);
    expect(await withClient(first, (c) => c.get(`${first.outputs.REDIS_KEY_PREFIX}kept`))).toBe('before the restart');
  });

  it('comes back on a new port when its port is taken: refresh reports REDIS_PORT drift and apply re-issues it', async () => {
    await redis.resource.closeAll();
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(Number(first.outputs.REDIS_PORT), '127.0.0.1', () => r()));
    try {
      redis = localRedis(dir);
      await redis.start();
      const drift = await redis.resource.refresh(request(redisSpec('cache')));
      expect(drift).toMatchObject({ drifted: true, exists: true });
      expect(drift.differences[0]).toMatchObject({ field: 'REDIS_PORT', expected: first.outputs.REDIS_PORT });
      const reissued = await redis.resource.apply(request(redisSpec('cache')), log);
      expect(reissued.outputs.REDIS_PORT).toBe(drift.differences[0].actual);
      expect(reissued.secretOutputs.REDIS_URL).toContain(`:${reissued.outputs.REDIS_PORT}`);
      expect(await withClient(reissued, (c) => c.get(`${first.outputs.REDIS_KEY_PREFIX}kept`))).toBe(
        'before the restart',
      );
      expect((await redis.resource.refresh(request(redisSpec('cache')))).drifted).toBe(false);
      first = reissued;
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });

  it('refresh does not start a stopped server: it reports the port as drift', async () => {
    await redis.resource.closeAll();
    redis = localRedis(dir);
    const drift = await redis.resource.refresh(request(redisSpec('cache')));
    expect(drift).toMatchObject({ drifted: true, exists: true });
    expect(drift.differences).toEqual([{ field: 'REDIS_PORT', expected: first.outputs.REDIS_PORT, actual: undefined }]);
    expect(await serverPid(dir)).toBeUndefined();
    await redis.start();
  });

  it('removes a stale pid file (its pid now another program) instead of being blocked by it', async () => {
    await redis.resource.closeAll();
    await writeFile(pidFile(dir), `${process.pid}\n`);
    const startLog = new RecordingLog();
    redis = localRedis(dir);
    await redis.start(startLog);
    expect(startLog.lines.join('\n')).toContain(`removed the stale pid file of process ${process.pid}`);
    expect(redis.resource.isRunning()).toBe(true);
    expect(await serverPid(dir)).not.toBe(process.pid);
    expect(await withClient(first, (c) => c.get(`${first.outputs.REDIS_KEY_PREFIX}kept`))).toBe('before the restart');
  });

  it('a SIGKILLed server is started again by the next apply, with its users and keys', async () => {
    const victim = (await serverPid(dir))!;
    await withClient(first, (c) => c.set(`${first.outputs.REDIS_KEY_PREFIX}just-before`, 'the kill'));
    process.kill(victim, 'SIGKILL');
    await until(() => !alive(victim), 'the killed redis-server to be gone');
    expect(redis.resource.isRunning()).toBe(false);
    expect(existsSync(pidFile(dir))).toBe(true);
    const again = await redis.resource.apply(request(redisSpec('cache')), log);
    expect(again.outputs).toEqual(first.outputs);
    const fresh = (await serverPid(dir))!;
    expect(fresh).not.toBe(victim);
    expect(alive(fresh)).toBe(true);
    // Users from the ACL file, keys from the append-only file.
    expect(await withClient(first, (c) => c.get(`${first.outputs.REDIS_KEY_PREFIX}just-before`))).toBe('the kill');
  });

  it('stops a server left running when no component needs it any more', async () => {
    await redis.resource.destroy(request(redisSpec('cache')), log);
    const pid = (await serverPid(dir))!;
    // What a crash leaves: the server runs on, the service that started it is gone (never closed).
    redis = localRedis(dir);
    const startLog = new RecordingLog();
    await redis.start(startLog);
    expect(startLog.lines.join('\n')).toContain(`embedded Redis (pid ${pid}) left running with no component recorded`);
    await until(() => !alive(pid), 'the left-over redis-server to stop');
    expect(redis.resource.isRunning()).toBe(false);
  });
});

describe.skipIf(!REDIS_SERVER)(
  'local provider: the embedded redis-server outlives a SIGKILLed owner and is adopted',
  { timeout: 120_000 },
  () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let child: OwnerProcess | undefined;
    let redis: LocalRedis | undefined;

    beforeAll(async () => {
      ({ dir, cleanup } = await tempDataDir());
    });
    afterAll(async () => {
      await child?.kill();
      await redis?.resource.closeAll();
      const pid = await serverPid(dir);
      if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
      await cleanup();
    });

    /** Runs support/redis-owner.child.ts until it printed its apply result. */
    async function owner(component: string, password: string): Promise<ApplyResult> {
      child = startOwner('redis-owner.child.ts', {
        BERTH_DATA_DIR: dir,
        CHILD_COMPONENT: component,
        CHILD_PASSWORD: password,
      });
      return child.result;
    }

    it('after kill -9 of the owning process the server keeps running; the next start adopts it with its data', async () => {
      const secret = await owner('cache', 'first-owner-password');
      await withClient(secret, (c) => c.set(`${secret.outputs.REDIS_KEY_PREFIX}kept`, 'before the kill'));
      const pid = (await serverPid(dir))!;
      expect(pid).toBeGreaterThan(0);

      await child!.kill();
      child = undefined;
      expect(alive(pid)).toBe(true);

      const log = new RecordingLog();
      redis = localRedis(dir);
      await redis.start(log);
      expect(log.lines.join('\n')).toContain(`adopted the running server (pid ${pid})`);
      expect(await serverPid(dir)).toBe(pid);
      expect(redis.resource.isRunning()).toBe(true);
      expect(await withClient(secret, (c) => c.get(`${secret.outputs.REDIS_KEY_PREFIX}kept`))).toBe('before the kill');
      expect((await redis.resource.refresh(request(redisSpec('cache', 'first-owner-password')))).drifted).toBe(false);

      // The adopting service runs it like its own: a new component, then a clean stop.
      const second = await redis.resource.apply(request(redisSpec('second')), new RecordingLog());
      expect(second.outputs.REDIS_PORT).toBe(secret.outputs.REDIS_PORT);
      expect(await withClient(second, (c) => c.aclWhoAmI())).toBe(second.outputs.REDIS_USER);
      await redis.resource.closeAll();
      redis = undefined;
      await until(() => !alive(pid), 'the adopted server to stop');
    });
  },
);
