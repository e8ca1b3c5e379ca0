import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface BrokerProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Resolves with the port once the service logs that it listens. */
  listening: (timeoutMs?: number) => Promise<number>;
  stop: (signal?: NodeJS.Signals) => Promise<number | string>;
}

/**
 * Runs a broker entry point (`main` or `migrate`) from source through tsx, as an operator would run the service,
 * with exactly the given environment variables (plus PATH/HOME).
 */
export function spawnBroker(entry: 'main' | 'migrate', env: Record<string, string>): BrokerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/broker/src/${entry}.ts`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );

  const listening = (timeoutMs = 60_000) =>
    new Promise<number>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`no "listening" line within ${timeoutMs} ms; stderr: ${err}`)),
        timeoutMs,
      );
      const check = () => {
        const match = /berth listening on http:\/\/[^:]+:(\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          done(Number(match[1]));
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`exited with ${code} before listening; stderr: ${err}`));
      });
      check();
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    listening,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
