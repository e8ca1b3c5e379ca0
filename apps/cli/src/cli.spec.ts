import { createServer } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli';
import { CliContext } from './cli.context';

function capture(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io = { stdout, stderr, stdin: Readable.from([]), env: { NO_COLOR: '1', ...env }, cwd: process.cwd() };
  return { io, out: () => out, err: () => err };
}

/** A port that was just free: nothing listens on it, so connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('berth argument handling', () => {
  it('prints help with every command and exits 0', async () => {
    const t = capture();
    expect(await runCli(['--help'], t.io)).toBe(0);
    for (const command of [
      'apply',
      'get',
      'status',
      'delete',
      'resume',
      'terminate',
      'env',
      'run',
      'logs',
      'show',
      'definitions',
      'envs',
    ]) {
      expect(t.out()).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it.each([
    ['apply'],
    ['get'],
    ['status'],
    ['delete'],
    ['env'],
    ['run'],
    ['logs'],
    ['show'],
    ['definitions'],
    ['envs'],
  ])('has --help and --env on %s', async (command) => {
    const t = capture();
    expect(await runCli([command, '--help'], t.io)).toBe(0);
    expect(t.out()).toContain(`Usage: berth ${command}`);
    expect(t.out()).toContain('--env <name>');
  });

  it.each([
    [['apply'], /required option '-f, --filename <file>'/],
    [['apply', '-f', 'x.yaml', '--timeout', 'soon'], /expected a duration/],
    [['get', 'pods'], /Allowed choices are apps/],
    [['status'], /missing required argument 'app'/],
    [['env', 'shop', 'web', '--format', 'toml'], /Allowed choices are dotenv, json, shell/],
    [['status', 'shop', '-o', 'xml'], /Allowed choices are json, yaml/],
    [['run', 'shop', 'web'], /missing required argument 'command'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('rejects %j as a usage error with exit code 2', async (argv, message) => {
    const t = capture({ BERTH_URL: 'http://127.0.0.1:9' });
    expect(await runCli(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(message);
  });

  it('says in one line that the server is not reachable, exit code 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const t = capture({ BERTH_URL: url });
    expect(await runCli(['get', 'apps'], t.io)).toBe(1);
    expect(t.err()).toBe(
      `error: the Berth server at ${url} is not reachable (ECONNREFUSED); start it with \`npm start\` or point BERTH_URL at it\n`,
    );
  });

  it('reports a missing file before contacting the server', async () => {
    const t = capture({ BERTH_URL: 'http://127.0.0.1:9' });
    expect(await runCli(['apply', '-f', 'does/not/exist.yaml'], t.io)).toBe(1);
    expect(t.err()).toContain('cannot read does/not/exist.yaml: no such file');
  });
});

describe('settings from the environment', () => {
  it('uses BERTH_URL and BERTH_ENV, falling back to 127.0.0.1:8080 and local', () => {
    const defaults = new CliContext(capture().io);
    expect([defaults.serverUrl, defaults.defaultEnv]).toEqual(['http://127.0.0.1:8080', 'local']);
    const set = new CliContext(capture({ BERTH_URL: 'http://berth:9000/', BERTH_ENV: 'staging' }).io);
    expect([set.serverUrl, set.defaultEnv]).toEqual(['http://berth:9000/', 'staging']);
    expect(set.client.url).toBe('http://berth:9000');
  });

  it.each([
    ['localhost:8080', '; write BERTH_URL=http://localhost:8080'],
    ['127.0.0.1:8080', '; write BERTH_URL=http://127.0.0.1:8080'],
    ['berth.example.com', '; write BERTH_URL=https://berth.example.com'],
    ['ftp://berth.example.com', ''],
    ['http://', ''],
  ])('explains in one line, before any request, that BERTH_URL=%s is not a server URL (exit 2)', async (url, hint) => {
    const t = capture({ BERTH_URL: url });
    expect(await runCli(['get', 'apps'], t.io)).toBe(2);
    expect(t.err()).toBe(`error: BERTH_URL must be an http:// or https:// URL, not "${url}"${hint}\n`);
  });

  it('colours only a terminal, and never with NO_COLOR', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const io = { ...capture().io, stdout: tty, stderr: tty };
    expect(new CliContext({ ...io, env: {} }).colors.red('x')).not.toBe('x');
    expect(new CliContext({ ...io, env: { NO_COLOR: '1' } }).colors.red('x')).toBe('x');
    expect(new CliContext({ ...capture().io, env: {} }).colors.red('x')).toBe('x');
  });
});
