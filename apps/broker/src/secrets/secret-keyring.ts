import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import {
  generateSecretKey,
  openSecret,
  parseSecretKey,
  sealSecret,
  secretKeyId,
  type SealedSecret,
  type SecretPlaintext,
} from '@berth/core';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The keys that seal connection secrets, secret inputs and the secret properties of revisions, the sealing one first:
 * BERTH_SECRET_KEYS (or BERTH_SECRET_KEY), else `<dataDir>/secret.key`, generated on first start with mode 0600
 * (exclusive create, so two processes starting on one data dir agree on one key). Several processes sharing a
 * PostgreSQL database must share the keys.
 */
export function loadSecretKeys(dataDir: string, configured?: readonly string[]): Buffer[] {
  if (configured?.length) return configured.map((text) => parseSecretKey(text));
  return [loadSecretKeyFile(dataDir)];
}

function loadSecretKeyFile(dataDir: string): Buffer {
  const path = join(dataDir, SECRET_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, `${generateSecretKey().toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  return parseSecretKey(readFileSync(path, 'utf8'));
}

/**
 * Seals JSON objects with the first of the service's keys and opens them with whichever key sealed them (by key id);
 * a sealed value is stored as the JSON of its fields.
 */
export class SecretKeyring {
  /** The id of the sealing key (the first). */
  readonly keyId: string;
  private readonly key: Buffer;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keys: Buffer | readonly Buffer[]) {
    const list = Buffer.isBuffer(keys) ? [keys] : [...keys];
    if (list.length === 0) throw new Error('a keyring needs at least one key');
    this.key = list[0]!;
    this.keyId = secretKeyId(this.key);
    this.keys = new Map(list.map((key) => [secretKeyId(key), key]));
  }

  /** Whether this keyring can open values sealed with key `id`. */
  hasKey(id: string): boolean {
    return this.keys.has(id);
  }

  seal(plaintext: SecretPlaintext, associatedData: string): SealedSecret {
    return sealSecret(this.key, this.keyId, plaintext, associatedData);
  }

  sealToText(plaintext: SecretPlaintext, associatedData: string): string {
    return JSON.stringify(this.seal(plaintext, associatedData));
  }

  open(sealed: SealedSecret, associatedData: string): SecretPlaintext {
    return openSecret((id) => this.keys.get(id), sealed, associatedData);
  }

  openText(text: string, associatedData: string): SecretPlaintext {
    return this.open(JSON.parse(text) as SealedSecret, associatedData);
  }

  /**
   * A keyed digest (with the sealing key): stable for equal values, useless for guessing them without the key. After
   * the sealing key changes, digests change too (README: rotating the secret key).
   */
  digest(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex');
  }
}
