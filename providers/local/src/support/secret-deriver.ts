import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Derives stable secrets (embedded S3 access key secrets) from one random master key kept in
 * `<dataDir>/local/master.key` (mode 0600), so the state file never holds a secret and a restart re-derives the same
 * values.
 */
export class SecretDeriver {
  private key: Buffer | undefined;

  constructor(private readonly file: string) {}

  async derive(label: string): Promise<string> {
    const key = await this.load();
    return createHmac('sha256', key).update(label).digest('base64url').slice(0, 40);
  }

  private async load(): Promise<Buffer> {
    if (this.key) return this.key;
    try {
      this.key = Buffer.from((await readFile(this.file, 'utf8')).trim(), 'base64');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dirname(this.file), { recursive: true });
      const fresh = randomBytes(32);
      // 'wx': if two instances race, the loser reads the winner's key.
      await writeFile(this.file, fresh.toString('base64'), { mode: 0o600, flag: 'wx' }).catch(
        async (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        },
      );
      this.key = Buffer.from((await readFile(this.file, 'utf8')).trim(), 'base64');
    }
    return this.key;
  }
}
