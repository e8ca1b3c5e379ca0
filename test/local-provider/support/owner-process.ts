import type { ApplyResult } from '@berth/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * A child process that owns an embedded server the way the service does (one of the `*.child.ts` beside this file):
 * it applies one component, prints the result as one JSON line and waits, for a test to SIGKILL it.
 */
export interface OwnerProcess {
  child: ChildProcess;
  result: Promise<ApplyResult>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

export function startOwner(script: string, env: Record<string, string>): OwnerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const result = new Promise<ApplyResult>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as ApplyResult);
    });
    child.once('exit', (code) => reject(new Error(`the owner child exited (${code}): ${err}`)));
  });
  return {
    child,
    result,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
