import { ProviderError, ProviderErrorCode } from '@berth/core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The unprivileged OS account the embedded PostgreSQL runs as when the service runs as root. */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
}

/** The system account Berth creates for its embedded PostgreSQL when it runs as root and the account is missing. */
export const SERVER_ACCOUNT = 'berth-postgres';

/** Existing accounts used instead when the dedicated one cannot be created (no useradd, read-only /etc). */
const FALLBACK_ACCOUNTS = ['postgres', 'nobody'];

let resolved: Promise<ServerAccount | undefined> | undefined;

/**
 * Who runs initdb and postgres. PostgreSQL refuses to run as root, so as root (CI, containers started as root) the
 * server runs as the system account `berth-postgres`, created here with useradd when it does not exist; where it
 * cannot be created, an existing `postgres` or `nobody` account is used. Not root: undefined, the server runs as the
 * service's own user. Resolved once per process; every step is a child process (no blocking call on this thread).
 */
export function serverAccount(): Promise<ServerAccount | undefined> {
  resolved ??= resolveAccount().catch((error: unknown) => {
    resolved = undefined;
    throw error;
  });
  return resolved;
}

async function resolveAccount(): Promise<ServerAccount | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = await lookup(SERVER_ACCOUNT);
  if (existing) return existing;
  let failure = '';
  try {
    await runSbin('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      '--comment',
      'Berth embedded PostgreSQL',
      SERVER_ACCOUNT,
    ]);
  } catch (error) {
    // Another process may have created it at the same moment: look again before falling back.
    failure = (error as { stderr?: string; message?: string }).stderr?.trim() || (error as Error).message;
  }
  const created = await lookup(SERVER_ACCOUNT);
  if (created) return created;
  for (const name of FALLBACK_ACCOUNTS) {
    const account = await lookup(name);
    if (account && account.uid !== 0) return account;
  }
  throw new ProviderError(
    ProviderErrorCode.Unavailable,
    `the embedded PostgreSQL cannot run as root and no unprivileged account is available: creating ${SERVER_ACCOUNT} failed (${failure}) and neither ${FALLBACK_ACCOUNTS.join(' nor ')} exists; run the service as another user or set BERTH_LOCAL_POSTGRES_URL`,
  );
}

async function lookup(name: string): Promise<ServerAccount | undefined> {
  try {
    const { stdout } = await run('getent', ['passwd', name], { timeout: 10_000 });
    const fields = stdout.trim().split(':');
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (fields[0] !== name || !Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

/** Runs an administration command from PATH, or from /usr/sbin and /sbin where PATH lacks them. */
async function runSbin(command: string, args: string[]): Promise<void> {
  const path = [process.env.PATH ?? '', '/usr/sbin', '/sbin'].filter(Boolean).join(':');
  await run(command, args, { timeout: 30_000, env: { PATH: path, LANG: 'C' } });
}
