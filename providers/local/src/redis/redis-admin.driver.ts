import { createClient, type RedisClientType } from 'redis';
import { abortable } from '../support/abortable';
import { toRedisProviderError } from './redis-errors';

/** Where a Redis server listens, as published to components (never with the admin's credentials). */
export interface RedisAddress {
  host: string;
  port: string;
  /** `rediss://`: the server speaks TLS, and so must the components. */
  tls: boolean;
}

/** A user's ACL as the server reports it (ACL GETUSER): what refresh compares with what apply left. */
export interface RedisUserAcl {
  flags: string[];
  /** SHA-256 (hex) of each password. */
  passwords: string[];
  commands: string;
  keys: string;
  channels: string;
}

/** The oldest server with everything the users rely on: ACL users (6.0) and `&` channel patterns (6.2). */
export const MIN_REDIS_VERSION = [6, 2] as const;

const SCAN_BATCH = 500;

/**
 * Administers one Redis server with an admin URL (BERTH_LOCAL_REDIS_URL, or the embedded server's): ACL users, their
 * keys, the server's version. Each call opens its own connection and closes it (loopback connections are cheap, and
 * nothing is left half-open when a call is aborted).
 */
export class RedisAdminDriver {
  readonly address: RedisAddress;

  /**
   * @param persist where the server keeps its users: `aclfile` (ACL SAVE after each change must succeed: the embedded
   * server), or `best-effort` (a server without an ACL file keeps them in memory only: refresh reports them missing
   * after its restart, and apply creates them again).
   */
  constructor(
    private readonly url: string,
    private readonly persist: 'aclfile' | 'best-effort',
  ) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
      throw new Error(`the Redis admin URL must start with redis:// or rediss://, not ${parsed.protocol}//`);
    this.address = {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
      port: parsed.port || '6379',
      tls: parsed.protocol === 'rediss:',
    };
  }

  /** Whether the server answers the admin login (PING): throws the mapped error when it does not. */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.run('ping', signal, (client) => client.ping());
  }

  /** `x.y.z` of the server (INFO server). */
  async version(signal?: AbortSignal): Promise<string> {
    return this.run('read the server version', signal, async (client) => {
      const info = await client.info('server');
      const version = /^redis_version:(\S+)/m.exec(info)?.[1];
      if (!version) throw new Error('INFO server carries no redis_version');
      return version;
    });
  }

  /** Sets a user's complete rules (aclRules) and returns the ACL the server now holds for it. */
  async setUser(name: string, rules: readonly string[], signal?: AbortSignal): Promise<RedisUserAcl> {
    return this.run(`set up user ${name}`, signal, async (client) => {
      await client.sendCommand(['ACL', 'SETUSER', name, ...rules]);
      await this.save(client);
      const acl = parseUser(await client.sendCommand(['ACL', 'GETUSER', name]));
      if (!acl) throw new Error(`user ${name} is missing right after ACL SETUSER`);
      return acl;
    });
  }

  async getUser(name: string, signal?: AbortSignal): Promise<RedisUserAcl | undefined> {
    return this.run(`read user ${name}`, signal, async (client) =>
      parseUser(await client.sendCommand(['ACL', 'GETUSER', name])),
    );
  }

  /** Removes one password (by its SHA-256) from a user; the user's other passwords and rules stay. */
  async removePassword(name: string, hash: string, signal?: AbortSignal): Promise<RedisUserAcl | undefined> {
    return this.run(`remove a password of ${name}`, signal, async (client) => {
      const before = parseUser(await client.sendCommand(['ACL', 'GETUSER', name]));
      if (!before) return undefined;
      if (before.passwords.includes(hash)) {
        await client.sendCommand(['ACL', 'SETUSER', name, `!${hash}`]);
        await this.save(client);
      }
      return parseUser(await client.sendCommand(['ACL', 'GETUSER', name]));
    });
  }

  /** Deletes users (missing ones are fine) and closes their open connections (Redis does that on ACL DELUSER). */
  async deleteUsers(names: readonly string[], signal?: AbortSignal): Promise<void> {
    if (names.length === 0) return;
    await this.run(`delete users ${names.join(', ')}`, signal, async (client) => {
      await client.sendCommand(['ACL', 'DELUSER', ...names]);
      await this.save(client);
    });
  }

  /**
   * Deletes every key under `prefix` in every database of the server (SCAN MATCH + UNLINK in batches; the prefix holds
   * no glob characters). Returns how many keys went.
   */
  async deleteKeys(prefix: string, signal?: AbortSignal): Promise<number> {
    return this.run(`delete the keys under ${prefix}`, signal, async (client) => {
      let deleted = 0;
      for (const db of await databases(client)) {
        await client.select(db);
        for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: SCAN_BATCH })) {
          if (signal?.aborted) throw new Error('aborted');
          if (batch.length > 0) deleted += await client.unlink(batch);
        }
      }
      return deleted;
    });
  }

  private async save(client: RedisClientType): Promise<void> {
    try {
      await client.sendCommand(['ACL', 'SAVE']);
    } catch (error) {
      // "This Redis instance is not configured to use an ACL file": the server keeps its users where it keeps them.
      if (this.persist === 'best-effort' && /ACL file/i.test((error as Error).message)) return;
      throw error;
    }
  }

  private async run<T>(what: string, signal: AbortSignal | undefined, work: (c: RedisClientType) => Promise<T>) {
    const client: RedisClientType = createClient({
      url: this.url,
      socket: { connectTimeout: 10_000, reconnectStrategy: false },
      // Nothing queues while the connection is down: a call fails at once instead of waiting.
      disableOfflineQueue: true,
    });
    // node-redis emits socket errors as events as well as rejecting the call; without a listener they would crash
    // the process.
    client.on('error', () => undefined);
    const context = `redis ${this.address.host}:${this.address.port}: ${what}`;
    try {
      return await abortable(
        (async () => {
          await client.connect();
          return work(client);
        })(),
        signal,
        context,
      );
    } catch (error) {
      throw toRedisProviderError(error, context);
    } finally {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    }
  }
}

/** Every database index of the server (CONFIG GET databases; 16 by default). */
async function databases(client: RedisClientType): Promise<number[]> {
  let count = 16;
  try {
    const reply = await client.configGet('databases');
    const n = Number(reply.databases);
    if (Number.isInteger(n) && n > 0) count = n;
  } catch {
    // CONFIG may be renamed away on a managed server: the default count.
  }
  return Array.from({ length: count }, (_, i) => i);
}

/** ACL GETUSER's reply (RESP2: a flat list of field, value), or undefined for a user that does not exist. */
export function parseUser(reply: unknown): RedisUserAcl | undefined {
  if (!Array.isArray(reply)) return undefined;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const text = (value: unknown) => (Array.isArray(value) ? value.map(String).join(' ') : String(value ?? ''));
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    flags: list(fields.get('flags')),
    passwords: list(fields.get('passwords')),
    commands: text(fields.get('commands')),
    keys: text(fields.get('keys')),
    channels: text(fields.get('channels')),
  };
}

/** Whether `version` (x.y.z) is at least `min` (major, minor). */
export function atLeast(version: string, min: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}
