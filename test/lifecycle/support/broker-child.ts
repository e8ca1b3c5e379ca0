import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

export interface BrokerChild {
  child: ChildProcess;
  url: string;
  exited: Promise<number | string>;
  stderr: () => string;
  kill: () => Promise<number | string>;
}

/** Starts test/support/lifecycle-broker.child.ts through tsx with exactly these variables; resolves once it listens. */
export async function startBrokerChild(env: Record<string, string>, timeoutMs = 60_000): Promise<BrokerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/lifecycle-broker.child.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      BERTH_PORT: '0',
      BERTH_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`child did not listen within ${timeoutMs} ms: ${err}`)), timeoutMs);
    const check = () => {
      const match = /berth listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`child exited with ${code} before listening: ${err}`));
    });
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    exited,
    stderr: () => err,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
