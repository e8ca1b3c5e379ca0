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
 * The key that seals connection secrets, secret inputs and the secret properties of revisions: BERTH_SECRET_KEY, else
 * `<dataDir>/secret.key`, generated on first start with mode 0600 (exclusive create, so two processes starting on one
 * data dir agree on one key). Several processes sharing a PostgreSQL database must share the key (BERTH_SECRET_KEY).
 */
export function loadSecretKey(dataDir: string, configured?: string): Buffer {
  if (configured) return parseSecretKey(configured);
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

/** Seals and opens JSON objects with the service's key; a sealed value is stored as the JSON of its fields. */
export class SecretKeyring {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    this.keyId = secretKeyId(key);
  }

  seal(plaintext: SecretPlaintext, associatedData: string): SealedSecret {
    return sealSecret(this.key, this.keyId, plaintext, associatedData);
  }

  sealToText(plaintext: SecretPlaintext, associatedData: string): string {
    return JSON.stringify(this.seal(plaintext, associatedData));
  }

  open(sealed: SealedSecret, associatedData: string): SecretPlaintext {
    return openSecret((id) => (id === this.keyId ? this.key : undefined), sealed, associatedData);
  }

  openText(text: string, associatedData: string): SecretPlaintext {
    return this.open(JSON.parse(text) as SealedSecret, associatedData);
  }

  /** A keyed digest: stable for equal values, useless for guessing them without the key. */
  digest(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex');
  }
}
