import type { OperationLog } from '@berth/core';
import { ProviderError, ProviderErrorCode, SILENT_LOG } from '@berth/core';
import { execFile, spawn } from 'node:child_process';
import { chown, mkdir, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/process/free-port';
import { serverAccount, type ServerAccount } from '../support/process/server-account';
import { prepareServerDirectory } from '../support/process/server-directory';
import { logLinesSince, logOffset } from '../support/process/server-log';
import { isAlive, isServerIn, serverEnvironment } from '../support/process/server-process';
import { atLeast, MIN_REDIS_VERSION, RedisAdminDriver } from './redis-admin.driver';
import { passwordHash } from './redis-acl';

const run = promisify(execFile);

const LABEL = { server: 'the embedded Redis', alternative: 'BERTH_LOCAL_REDIS_URL' };

/** As root the server runs as this account (or Debian's `redis`, or `nobody`), never as root. */
const ACCOUNT = { name: 'berth-redis', comment: 'Berth embedded Redis', fallbacks: ['redis', 'nobody'], ...LABEL };

/** The admin user of the embedded server: Redis's own `default` user, with a password derived from the master key. */
export const EMBEDDED_REDIS_ADMIN = 'default';

export interface EmbeddedRedisAddress {
  host: string;
  port: number;
  pid: number;
  /** Admin URL (password derived from the provider's master key): never logged, never returned to a caller. */
  adminUrl: string;
}

export interface EmbeddedRedisOptions {
  /** `<dataDir>/local/redis`: the server's working directory (`data/`, its append-only file), users, pid file, log. */
  root: string;
  /** The Berth data dir: directories from it down may be given search permission for the server's account. */
  berthDataDir: string;
  host: string;
  /** The `redis-server` executable (found on PATH by the caller). */
  command: string;
  adminPassword: () => Promise<string>;
  /** The port the server had last time (kept when free, so issued secrets stay valid across restarts). */
  rememberedPort: () => Promise<number | undefined>;
  rememberPort: (port: number) => Promise<void>;
}

/**
 * One real redis-server per Berth data dir, started by the local provider when no BERTH_LOCAL_REDIS_URL is set.
 *
 * - Its own port (remembered, kept when free), bound to the provider's host; its own directory. Users live in an ACL
 *   file (SHA-256 of each password, never a password), written by ACL SAVE after every change; keys in an append-only
 *   file (fsync every second; no RDB snapshots), so both survive a restart of the server.
 * - Started detached (its own session), so it outlives a service that is SIGKILLed. The next `ensureRunning` reads the
 *   pid file: a live redis-server whose working directory is our data directory, answering our admin password on the
 *   remembered port, is adopted; one that does not answer is stopped and started again; a pid file whose process is
 *   gone or is another program is stale and removed.
 * - As root it runs as an unprivileged account (support/process/server-account.ts) that owns its directory.
 */
export class EmbeddedRedisServer {
  private address: EmbeddedRedisAddress | undefined;
  private starting: Promise<EmbeddedRedisAddress> | undefined;
  private account: ServerAccount | undefined;
  private prepared = false;

  constructor(private readonly options: EmbeddedRedisOptions) {}

  get dataPath(): string {
    return join(this.options.root, 'data');
  }

  get logPath(): string {
    return join(this.options.root, 'redis.log');
  }

  get pidPath(): string {
    return join(this.options.root, 'redis.pid');
  }

  private get aclPath(): string {
    return join(this.options.root, 'users.acl');
  }

  /** The running server's address, if this instance started or adopted it and it is still alive. */
  get current(): EmbeddedRedisAddress | undefined {
    if (this.address && !isAlive(this.address.pid)) this.address = undefined;
    return this.address;
  }

  /** Whether the server was ever set up in this data dir (its users file exists). */
  async initialized(): Promise<boolean> {
    try {
      await stat(this.aclPath);
      return true;
    } catch {
      return false;
    }
  }

  ensureRunning(log: OperationLog = SILENT_LOG): Promise<EmbeddedRedisAddress> {
    const current = this.current;
    if (current) return Promise.resolve(current);
    this.starting ??= this.bringUp(log).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stops the server this instance runs (started or adopted). Data and users stay. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const address = this.address;
    this.address = undefined;
    if (address) await terminate(address.pid);
  }

  /**
   * At a service start with no embedded Redis component recorded: a server left running by a crashed service is
   * stopped (nothing needs it; the next redis component starts it again), a stale pid file removed.
   */
  async stopLeftover(log: OperationLog = SILENT_LOG): Promise<void> {
    if (this.address || this.starting) return;
    const pid = await this.pidFromFile();
    if (pid === undefined) return;
    if (await this.isOurs(pid)) {
      log.log('info', `embedded Redis (pid ${pid}) left running with no component recorded: stopping it`);
      await terminate(pid);
    }
    await unlink(this.pidPath).catch(ignoreMissing);
  }

  private async bringUp(log: OperationLog): Promise<EmbeddedRedisAddress> {
    await this.prepare(log);
    const adopted = await this.adopt(log);
    if (adopted) return adopted;

    const remembered = await this.options.rememberedPort();
    let port = await freePort(this.options.host, remembered ?? 0);
    for (let attempt = 0; ; attempt++) {
      try {
        const address = await this.start(port);
        if (port !== remembered) await this.options.rememberPort(port);
        log.log(
          'info',
          `embedded Redis started on ${this.options.host}:${port} (pid ${address.pid}, ${this.dataPath})`,
        );
        this.address = address;
        return address;
      } catch (error) {
        // Taken between the probe and the bind: on any free port.
        if (!(error instanceof PortTaken) || attempt >= 5) throw error;
        port = await freePort(this.options.host, 0);
      }
    }
  }

  /** Account, directories, a recent enough server, and the users file with the admin, arranged once. */
  private async prepare(log: OperationLog): Promise<void> {
    if (this.prepared) return;
    const account = await serverAccount(ACCOUNT);
    await prepareServerDirectory(this.options.root, account, this.options.berthDataDir, LABEL);
    await mkdir(this.dataPath, { recursive: true, mode: 0o700 });
    if (account) await chown(this.dataPath, account.uid, account.gid);
    const version = await this.serverVersion(account);
    if (!atLeast(version, MIN_REDIS_VERSION))
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `${this.options.command} is Redis ${version}; Berth's redis users need Redis ${MIN_REDIS_VERSION.join('.')} or newer (ACL users and channel patterns): install a newer redis-server or set BERTH_LOCAL_REDIS_URL`,
      );
    if (!(await this.initialized())) {
      // Only the admin: the component users are added with ACL SETUSER and written back by ACL SAVE.
      const hash = passwordHash(await this.options.adminPassword());
      await writeFile(this.aclPath, `user ${EMBEDDED_REDIS_ADMIN} on #${hash} ~* &* +@all\n`, {
        mode: 0o600,
        flag: 'wx',
      }).catch(ignoreExisting);
      if (account) await chown(this.aclPath, account.uid, account.gid);
      log.log('info', `embedded Redis ${version} set up in ${this.options.root}`);
    }
    this.account = account;
    this.prepared = true;
  }

  private async serverVersion(account: ServerAccount | undefined): Promise<string> {
    let stdout: string;
    try {
      ({ stdout } = await run(this.options.command, ['--version'], this.spawnOptions(account)));
    } catch (error) {
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `${this.options.command} does not run${account ? ` as ${account.name}` : ''} (${(error as Error).message}): set BERTH_LOCAL_REDIS_URL to an existing Redis server`,
        { cause: error },
      );
    }
    const version = /\bv=(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
    if (!version)
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `${this.options.command} --version does not name a Redis version`,
      );
    return version;
  }

  /** Takes over a server that outlived the service that started it, or clears what it left behind. */
  private async adopt(log: OperationLog): Promise<EmbeddedRedisAddress | undefined> {
    const pid = await this.pidFromFile();
    if (pid === undefined) return undefined;
    if (!(await this.isOurs(pid))) {
      // The process is gone (or its pid now belongs to another program).
      await unlink(this.pidPath).catch(ignoreMissing);
      log.log('info', `embedded Redis: removed the stale pid file of process ${pid}`);
      return undefined;
    }
    const port = await this.options.rememberedPort();
    const answer = port ? await this.probe(await this.addressAt(port, pid), 10_000, () => !isAlive(pid)) : 'down';
    if (answer === 'ok') {
      log.log('info', `embedded Redis: adopted the running server (pid ${pid}) on port ${port}`);
      this.address = await this.addressAt(port!, pid);
      return this.address;
    }
    if (answer === 'auth')
      throw new ProviderError(
        ProviderErrorCode.Unauthorized,
        `a Redis server (pid ${pid}) runs in ${this.dataPath} but refuses Berth's admin password (was the provider's master.key replaced?)`,
      );
    log.log('warn', `embedded Redis (pid ${pid}) does not answer on port ${port ?? '(none recorded)'}: restarting it`);
    await terminate(pid);
    await unlink(this.pidPath).catch(ignoreMissing);
    return undefined;
  }

  private async start(port: number): Promise<EmbeddedRedisAddress> {
    const offset = await logOffset(this.logPath);
    // The log file is the server's stdout and stderr as well: what it says before it opens its log (a bad argument)
    // lands there too.
    const output = await open(this.logPath, 'a', 0o600);
    if (this.account) await output.chown(this.account.uid, this.account.gid);
    const child = spawn(
      this.options.command,
      [
        '--port',
        String(port),
        '--bind',
        this.options.host,
        '--protected-mode',
        'yes',
        '--dir',
        this.dataPath,
        '--aclfile',
        this.aclPath,
        '--pidfile',
        this.pidPath,
        '--logfile',
        this.logPath,
        '--daemonize',
        'no',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
      ],
      {
        cwd: this.options.root,
        env: serverEnvironment(),
        ...(this.account ? { uid: this.account.uid, gid: this.account.gid } : {}),
        detached: true,
        stdio: ['ignore', output.fd, output.fd],
      },
    );
    await output.close();
    let exit: string | undefined;
    const failed = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        exit = error.message;
        resolve();
      });
      child.once('exit', (code, signal) => {
        exit = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolve();
      });
    });
    const pid = child.pid ?? 0;
    const address = await this.addressAt(port, pid);
    const answer = await Promise.race([
      this.probe(address, 30_000, () => exit !== undefined),
      failed.then(() => 'exited' as const),
    ]);
    if (answer === 'ok') {
      child.unref();
      child.once('exit', () => {
        if (this.address?.pid === pid) this.address = undefined;
      });
      return address;
    }
    if (exit === undefined) await terminate(pid);
    const warnings = (await logLinesSince(this.logPath, offset))
      .map((line) => {
        // `pid:role date level message`: warnings are level '#'; what comes before the log is open has no prefix.
        const entry = /^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ (.) (.*)$/.exec(line);
        return entry ? (entry[1] === '#' ? entry[2] : undefined) : line.trim() || undefined;
      })
      .filter((line): line is string => Boolean(line));
    if (warnings.some((line) => /address already in use/i.test(line))) throw new PortTaken(port);
    const reason =
      answer === 'auth' ? 'refuses the admin password' : exit ? `stopped (${exit})` : 'does not answer within 30 s';
    throw new ProviderError(
      ProviderErrorCode.Internal,
      `the embedded Redis on port ${port} ${reason}${warnings.length ? `: ${warnings.slice(-3).join('; ')}` : ''} (log: ${this.logPath})`,
    );
  }

  /** Whether the server answers the admin login: 'ok', 'auth' (refused), or 'down' by the deadline or when `gone`. */
  private async probe(
    address: EmbeddedRedisAddress,
    timeoutMs: number,
    gone: () => boolean,
  ): Promise<'ok' | 'auth' | 'down'> {
    const admin = new RedisAdminDriver(address.adminUrl, 'aclfile');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await admin.ping();
        return 'ok';
      } catch (error) {
        if ((error as ProviderError).code === ProviderErrorCode.Unauthorized) return 'auth';
        // Refused: not listening yet. LOADING: reading its append-only file.
        if (gone() || Date.now() > deadline) return 'down';
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async isOurs(pid: number): Promise<boolean> {
    return isServerIn(pid, this.dataPath);
  }

  private async pidFromFile(): Promise<number | undefined> {
    try {
      const pid = Number((await readFile(this.pidPath, 'utf8')).trim());
      return Number.isInteger(pid) && pid > 0 ? pid : 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async addressAt(port: number, pid: number): Promise<EmbeddedRedisAddress> {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const password = encodeURIComponent(await this.options.adminPassword());
    return {
      host: this.options.host,
      port,
      pid,
      adminUrl: `redis://${EMBEDDED_REDIS_ADMIN}:${password}@${host}:${port}`,
    };
  }

  /** For the server's tools (`--version`); the server itself is spawned in start(). */
  private spawnOptions(account: ServerAccount | undefined) {
    return {
      // Its own directory: the account can always enter it (the service's working directory may be closed to it).
      cwd: this.options.root,
      timeout: 30_000,
      env: serverEnvironment(),
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    };
  }
}

class PortTaken extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is taken`);
  }
}

/** SIGTERM (Redis then writes its append-only file and exits), SIGKILL when it has not gone within 30 s. */
async function terminate(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

function ignoreExisting(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EEXIST') throw error;
}
