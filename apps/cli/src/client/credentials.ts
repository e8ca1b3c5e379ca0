import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where `berth login` keeps tokens, one per server URL: `$XDG_CONFIG_HOME/berth/credentials.json` (else ~/.config). */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(base, 'berth', 'credentials.json');
}

function readCredentials(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Keeps `token` for `serverUrl`, in a file only the user can read. */
export function saveCredential(env: NodeJS.ProcessEnv, serverUrl: string, token: string): string {
  const path = credentialsPath(env);
  const all = readCredentials(path);
  all[serverUrl] = token;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function isLoopback(serverUrl: string): boolean {
  try {
    const host = new URL(serverUrl).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

export type TokenSource = 'BERTH_TOKEN' | 'berth login' | './.berth/admin.token';

/**
 * The token to send, first found: BERTH_TOKEN; the one `berth login` kept for this server; for a server on this
 * machine, the admin token it wrote into `./.berth/` when started from this directory (the quick start's case).
 */
export function resolveToken(
  env: NodeJS.ProcessEnv,
  cwd: string,
  serverUrl: string,
): { token: string; source: TokenSource } | undefined {
  const fromEnv = env.BERTH_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'BERTH_TOKEN' };
  const saved = readCredentials(credentialsPath(env))[serverUrl];
  if (typeof saved === 'string' && saved) return { token: saved, source: 'berth login' };
  if (isLoopback(serverUrl)) {
    const local = join(cwd, '.berth', 'admin.token');
    if (existsSync(local)) {
      const token = readFileSync(local, 'utf8').trim();
      if (token) return { token, source: './.berth/admin.token' };
    }
  }
  return undefined;
}
