import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
/** Keep at most this much of a child's output (a long crash run must not grow without bound). */
const LOG_LIMIT = 256 * 1024;

export interface BrokerChild {
  child: ChildProcess;
  url: string;
  exited: Promise<number | string>;
  stderr: () => string;
  /** The last `lines` lines of what the service wrote (stdout and stderr interleaved, in arrival order). */
  logTail: (lines?: number) => string;
  kill: () => Promise<number | string>;
}

/** Starts test/support/lifecycle-broker.child.ts through tsx with exactly these variables; resolves once it listens. */
export async function startBrokerChild(env: Record<string, string>, timeoutMs = 120_000): Promise<BrokerChild> {
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
  let log = '';
  const keep = (text: string, chunk: Buffer) => {
    const next = text + chunk.toString();
    return next.length > LOG_LIMIT ? next.slice(-LOG_LIMIT) : next;
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    out = keep(out, chunk);
    log = keep(log, chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err = keep(err, chunk);
    log = keep(log, chunk);
  });
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`child did not listen within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
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
      fail(new Error(`child exited with ${code} before listening: ${err}`));
    });
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    exited,
    stderr: () => err,
    logTail: (lines = 40) =>
      log
        .split('\n')
        .slice(-lines - 1)
        .join('\n'),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
