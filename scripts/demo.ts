/**
 * `npm run demo`: the README quick start, end to end, on a throwaway server. Starts the built service on a free port
 * with a temporary data dir, runs each quick-start step through the real `berth` command line (printing the command
 * first), and always cleans up: the server is stopped and the data dir removed, also on failure or Ctrl-C.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(__dirname, '..');
const brokerMain = join(root, 'dist/apps/broker/src/main.js');
const cliMain = join(root, 'dist/apps/cli/src/main.js');
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text: string) => (tty ? `\u001b[1m${text}\u001b[22m` : text);
const dim = (text: string) => (tty ? `\u001b[2m${text}\u001b[22m` : text);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

class DemoServer {
  private output = '';
  private constructor(
    readonly url: string,
    readonly dataDir: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static async start(): Promise<DemoServer> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-demo-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BERTH_HOST: '127.0.0.1',
      BERTH_PORT: String(port),
      BERTH_DATA_DIR: dataDir,
      BERTH_LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [brokerMain], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new DemoServer(`http://127.0.0.1:${port}`, dataDir, child);
    const deadline = Date.now() + 60_000;
    try {
      while (
        !(await fetch(`${server.url}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (child.exitCode !== null)
          throw new Error(`the server exited (code ${child.exitCode}) before answering:\n${server.output}`);
        if (Date.now() > deadline) throw new Error(`the server did not answer within 60s:\n${server.output}`);
        await new Promise((done) => setTimeout(done, 200));
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  log(): string {
    return this.output;
  }

  /** The admin token the server wrote on its first start: what the demo's `berth` runs send. */
  get token(): string {
    return readFileSync(join(this.dataDir, 'admin.token'), 'utf8').trim();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs one `berth` step in the foreground (stdio inherited, so --wait shows its live view on a terminal). */
function berth(server: { url: string; token: string }, args: string[], note: string): Promise<void> {
  process.stdout.write(`\n${dim(`# ${note}`)}\n${bold(`$ berth ${args.join(' ')}`)}\n`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      cwd: root,
      env: { ...process.env, BERTH_URL: server.url, BERTH_TOKEN: server.token },
      stdio: 'inherit',
    });
    child.once('error', fail);
    child.once('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`berth ${args[0]} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

async function main(): Promise<number> {
  execFileSync(process.execPath, [join(root, 'scripts/build-if-stale.js')], { cwd: root, stdio: 'inherit' });
  const file = parse(readFileSync(join(root, 'examples/quickstart.yaml'), 'utf8')) as {
    metadata: { name: string };
    spec: { components: { name: string; type: string }[] };
  };
  const app = file.metadata.name;
  const web = file.spec.components.find((c) => c.type === 'webservice')?.name ?? 'web';

  process.stdout.write(dim('starting a Berth server with a temporary data dir…\n'));
  const server = await DemoServer.start();
  let interrupted = false;
  let applied = false;
  const onSignal = () => {
    interrupted = true;
    process.stdout.write('\ninterrupted; cleaning up…\n');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    process.stdout.write(`${bold('Berth')} is serving on ${server.url} ${dim(`(data in ${server.dataDir})`)}\n`);
    const steps: [string[], string][] = [
      [['envs'], 'the environments: `local` provisions cloud components on this machine'],
      [
        ['apply', '-f', 'examples/quickstart.yaml', '--wait'],
        'a web service bound to a PostgreSQL database and a bucket, applied and waited for',
      ],
      [['status', app], 'each component, its phase and non-secret outputs'],
      [['env', app, web], 'what the workload receives; sensitive values only with --reveal'],
      [
        ['run', app, web, '--', 'node', 'examples/check-db.js'],
        'a local program run with those variables: it connects and writes a row',
      ],
      [['delete', app, '--wait'], 'tear everything down, workloads first'],
      [['get', 'apps'], 'nothing left'],
    ];
    for (const [args, note] of steps) {
      if (interrupted) return 130;
      if (args[0] === 'apply') applied = true;
      await berth(server, args, note);
      if (args[0] === 'delete') applied = false;
    }
    process.stdout.write(`\n${bold('Quick start done.')}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`\ndemo failed: ${(error as Error).message}\n`);
    const log = server.log().trim();
    if (log) process.stderr.write(`${dim('server output (last lines):')}\n${log.split('\n').slice(-20).join('\n')}\n`);
    return interrupted ? 130 : 1;
  } finally {
    if (applied && !interrupted) {
      // Resources of the local provider may live outside the data dir (e.g. a database on a shared server).
      process.stdout.write(dim('removing what the demo created…\n'));
      await berth(server, ['delete', app, '--wait', '--timeout', '2m'], 'clean up after the failure').catch(
        () => undefined,
      );
    }
    await server.stop();
    process.stdout.write(dim('server stopped and temporary data removed\n'));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
