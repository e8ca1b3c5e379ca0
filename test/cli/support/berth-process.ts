import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const BROKER_MAIN = join(ROOT, 'dist/apps/broker/src/main.js');
export const CLI_MAIN = join(ROOT, 'dist/apps/cli/src/main.js');

/** Builds dist when a source is newer than it (one build at a time across parallel suites). */
export function ensureBuilt(): void {
  execSync(`flock /tmp/berth-build.lock node scripts/build-if-stale.js`, { cwd: ROOT, stdio: 'inherit' });
  for (const file of [BROKER_MAIN, CLI_MAIN])
    if (!existsSync(file)) throw new Error(`${file} is missing after the build`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export interface BerthServer {
  url: string;
  dataDir: string;
  /** The admin token the service wrote into its data dir on first start (what the CLI runs are given). */
  token: string;
  /** `Authorization` header of that token, for requests a test makes itself. */
  auth: { Authorization: string };
  /** The service process (benchmarks read its memory). */
  pid: number;
  /** What the server wrote so far (for failure messages). */
  output(): string;
  /** Stops the process and removes its data dir (unless `keepData`, to start again on it). */
  stop(keepData?: boolean): Promise<void>;
}

/** The admin token of each server started here, by URL: runBerth sends it as BERTH_TOKEN. */
const TOKENS = new Map<string, string>();

/** The Authorization header of the admin token of the server at `url` started here (none for another server). */
export function authHeaders(url: string): Record<string, string> {
  const token = TOKENS.get(url);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * Starts the built service as a real process on a free port with a fresh data dir (or `dataDir`), and waits until it
 * answers. `extraEnv` is added last (a benchmark sets DATABASE_URL or BERTH_* tuning there); `nodeArgs` go to node
 * before the script (a benchmark profiles with `--cpu-prof`).
 */
export async function startBerthServer(
  extraEnv: NodeJS.ProcessEnv = {},
  dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-e2e-')),
  nodeArgs: string[] = [],
): Promise<BerthServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BERTH_HOST: '127.0.0.1',
    BERTH_PORT: String(port),
    BERTH_DATA_DIR: dataDir,
    BERTH_LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  Object.assign(env, extraEnv);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, BROKER_MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const stop = async (keepData = false) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  const tokenFile = join(dataDir, 'admin.token');
  let token = '';
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`berth server exited with code ${child.exitCode} before answering:\n${output}`);
    }
    if (!token && existsSync(tokenFile)) token = readFileSync(tokenFile, 'utf8').trim();
    const ok =
      !!token &&
      (await fetch(`${url}/v1/environments`, { headers: { Authorization: `Bearer ${token}` } }).then(
        (res) => res.ok,
        () => false,
      ));
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`berth server did not answer on ${url} within 60s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  TOKENS.set(url, token);
  const auth = { Authorization: `Bearer ${token}` };
  return { url, dataDir, token, auth, pid: child.pid!, output: () => output, stop };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the process is spawned (to send it signals). */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

/** Runs the built `berth` against a server, as a user would: a separate process, no colours (not a terminal). */
export function runBerth(url: string, args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BERTH_URL: url,
      NO_COLOR: '1',
      ...(TOKENS.has(url) ? { BERTH_TOKEN: TOKENS.get(url) } : {}),
      ...options.env,
    };
    delete env.BERTH_ENV;
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`berth ${args.join(' ')} did not finish in time\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('error', fail);
    // 'close', not 'exit': by then every byte the CLI wrote has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
    options.onSpawn?.(child);
  });
}
