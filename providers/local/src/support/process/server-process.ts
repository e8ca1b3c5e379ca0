import { readlink, realpath } from 'node:fs/promises';

/**
 * The environment an embedded server (and its tools) is started with. Not the service's own: that holds the
 * service's secrets (DATABASE_URL, …), and variables such as PG* would change what the tools do.
 */
export function serverEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C',
    LC_ALL: 'C',
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
  };
}

/** Whether a process with this pid exists and this service may signal it. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: another user's process.
    return false;
  }
}

/**
 * Whether `pid` is a live server working in `directory`: PostgreSQL and Redis both run with their data directory as
 * working directory, which /proc shows. Where there is no /proc (macOS), `claimed` decides: the directory the server's
 * own pid file names, when it writes one.
 */
export async function isServerIn(pid: number, directory: string, claimed?: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const ours = await realpath(directory);
  try {
    return (await readlink(`/proc/${pid}/cwd`)) === ours;
  } catch {
    return claimed !== undefined && (claimed === directory || claimed === ours);
  }
}
