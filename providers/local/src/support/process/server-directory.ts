import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { Stats } from 'node:fs';
import { chmod, chown, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import type { ServerAccount } from './server-account';

/** What the messages say about the server a directory is for. */
export interface ServerLabel {
  /** "the embedded PostgreSQL" */
  server: string;
  /** The setting that avoids the embedded server ("BERTH_LOCAL_POSTGRES_URL"). */
  alternative: string;
}

/**
 * Creates an embedded server's own directory (mode 0700). With an account (the service runs as root) the directory
 * becomes the account's, and the account is given search permission on the directories above it (see searchableFor).
 */
export async function prepareServerDirectory(
  root: string,
  account: ServerAccount | undefined,
  berthDataDir: string,
  label: ServerLabel,
): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  if (!account) return;
  await chown(root, account.uid, account.gid);
  await chmod(root, 0o700);
  await searchableFor(dirname(root), account, berthDataDir, label);
}

/**
 * Gives `account` search permission on the directories down to a server's directory: those inside the Berth data dir
 * that the service owns get the execute bit for others (search only: nothing becomes listable or readable); a
 * directory above the data dir that the account cannot pass is a clear error.
 */
async function searchableFor(
  directory: string,
  account: ServerAccount,
  berthDataDir: string,
  label: ServerLabel,
): Promise<void> {
  const top = await realpath(berthDataDir);
  let current = await realpath(directory);
  for (;;) {
    const info = await stat(current);
    if (!canSearch(info, account)) {
      const inside = current === top || current.startsWith(`${top}${sep}`);
      if (!inside || info.uid !== process.getuid?.())
        throw new ProviderError(
          ProviderErrorCode.Unavailable,
          `${label.server} runs as ${account.name}, which cannot reach ${current}: choose a BERTH_DATA_DIR it can traverse, or set ${label.alternative}`,
        );
      await chmod(current, (info.mode & 0o7777) | 0o001);
    }
    const up = dirname(current);
    if (up === current) return;
    current = up;
  }
}

function canSearch(info: Stats, account: ServerAccount): boolean {
  if (info.uid === account.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === account.gid) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}
