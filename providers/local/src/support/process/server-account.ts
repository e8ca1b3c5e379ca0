import { ProviderError, ProviderErrorCode } from '@berth/core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The unprivileged OS account an embedded server (PostgreSQL, Redis) runs as when the service runs as root. */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
}

/** Which account a server runs as, and what to tell the operator when none can be had. */
export interface ServerAccountSpec {
  /** The system account Berth creates for this server when it runs as root and the account is missing. */
  name: string;
  /** What the server is, for messages ("the embedded PostgreSQL"). */
  server: string;
  /** The account's GECOS comment ("Berth embedded PostgreSQL"; no colons). */
  comment: string;
  /** Existing accounts used instead when the dedicated one cannot be created (no useradd, read-only /etc). */
  fallbacks: readonly string[];
  /** The setting that avoids the embedded server altogether, named in the error ("BERTH_LOCAL_POSTGRES_URL"). */
  alternative: string;
}

const resolved = new Map<string, Promise<ServerAccount | undefined>>();

/**
 * Who runs an embedded server. As root (CI, containers started as root) the server runs as the system account
 * `spec.name`, created here with useradd when it does not exist; where it cannot be created, one of the existing
 * fallback accounts is used. Not root: undefined, the server runs as the service's own user. Resolved once per process
 * and account; every step is a child process (no blocking call on this thread).
 */
export function serverAccount(spec: ServerAccountSpec): Promise<ServerAccount | undefined> {
  let pending = resolved.get(spec.name);
  if (!pending) {
    pending = resolveAccount(spec).catch((error: unknown) => {
      resolved.delete(spec.name);
      throw error;
    });
    resolved.set(spec.name, pending);
  }
  return pending;
}

async function resolveAccount(spec: ServerAccountSpec): Promise<ServerAccount | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = await lookup(spec.name);
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
      spec.comment,
      spec.name,
    ]);
  } catch (error) {
    // Another process may have created it at the same moment: look again before falling back.
    failure = (error as { stderr?: string; message?: string }).stderr?.trim() || (error as Error).message;
  }
  const created = await lookup(spec.name);
  if (created) return created;
  for (const name of spec.fallbacks) {
    const account = await lookup(name);
    if (account && account.uid !== 0) return account;
  }
  throw new ProviderError(
    ProviderErrorCode.Unavailable,
    `${spec.server} is never run as root, and no unprivileged account is available: creating ${spec.name} failed (${failure}) and neither ${spec.fallbacks.join(' nor ')} exists; run the service as another user or set ${spec.alternative}`,
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
