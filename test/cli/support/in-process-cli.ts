import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../../apps/cli/src/cli';

export interface CliRun {
  /** Resolves with the exit code once the command ended. */
  done: Promise<number>;
  /** What it printed so far. */
  out(): string;
  err(): string;
}

/** Starts `berth <args>` in this process against a test server (listening on a free port for it), plain output. */
export async function startCli(server: Server, args: string[]): Promise<CliRun> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const env = { NO_COLOR: '1', BERTH_URL: `http://127.0.0.1:${port}` };
  const done = runCli(args, { stdout, stderr, stdin: Readable.from([]), env, cwd: process.cwd() });
  return { done, out: () => out, err: () => err };
}

/** Runs `berth <args>` to its end (see startCli). */
export async function runCliIn(server: Server, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const run = await startCli(server, args);
  const code = await run.done;
  return { code, out: run.out(), err: run.err() };
}
