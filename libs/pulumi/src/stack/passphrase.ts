import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PASSPHRASE_FILE = 'pulumi-passphrase';

/**
 * The passphrase of the passphrase secrets provider: BERTH_PULUMI_PASSPHRASE, or one generated once into
 * `<dataDir>/pulumi-passphrase` (mode 0600) and read back afterwards. Losing it makes the stacks' secrets unreadable.
 */
export async function resolvePassphrase(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const given = env.BERTH_PULUMI_PASSPHRASE;
  if (given !== undefined && given !== '') return given;
  const file = join(dataDir, PASSPHRASE_FILE);
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const value = (await readFile(file, 'utf8')).trim();
  if (value === '') throw new Error(`${file} is empty; remove it or set BERTH_PULUMI_PASSPHRASE`);
  return value;
}
