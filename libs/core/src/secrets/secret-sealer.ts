import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SecretError, SecretErrorCode } from './secret.error';

/** An encrypted JSON object: AES-256-GCM, every binary field base64. Safe to store; useless without the key. */
export interface SealedSecret {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export type SecretPlaintext = Record<string, unknown>;

/** Finds the key a sealed secret names. */
export type Keyring = (keyId: string) => Buffer | undefined;

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `plaintext` (serialized as JSON) under `key`. `associatedData` (e.g. `resource-id:version`) is
 * authenticated but not stored: opening with different associated data fails, so a ciphertext cannot be moved to
 * another row unnoticed.
 */
export function sealSecret(
  key: Buffer,
  keyId: string,
  plaintext: SecretPlaintext,
  associatedData?: string,
): SealedSecret {
  assertKey(key);
  if (plaintext === null || typeof plaintext !== 'object' || Array.isArray(plaintext)) {
    throw new SecretError(SecretErrorCode.Malformed, 'only a JSON object can be sealed');
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
  return {
    keyId,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Decrypts and authenticates a sealed secret. Throws SecretError (UnknownKey, Tampered, Malformed). */
export function openSecret(keys: Buffer | Keyring, sealed: SealedSecret, associatedData?: string): SecretPlaintext {
  if (!sealed || typeof sealed !== 'object') throw new SecretError(SecretErrorCode.Malformed, 'sealed secret missing');
  const key = Buffer.isBuffer(keys) ? keys : keys(sealed.keyId);
  if (!key) throw new SecretError(SecretErrorCode.UnknownKey, `no key with id ${JSON.stringify(sealed.keyId)}`);
  assertKey(key);
  const iv = decodeField(sealed.iv, 'iv');
  const tag = decodeField(sealed.tag, 'tag');
  const ciphertext = decodeField(sealed.ciphertext, 'ciphertext');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretError(SecretErrorCode.Malformed, 'sealed secret has a wrong iv or tag length');
  }
  let json: string;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    json = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretError(SecretErrorCode.Tampered, 'sealed secret failed authentication (altered, or the wrong key)');
  }
  const value: unknown = JSON.parse(json);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SecretError(SecretErrorCode.Malformed, 'sealed secret does not hold a JSON object');
  }
  return value as SecretPlaintext;
}

/** A new random 256-bit key. */
export function generateSecretKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Reads a 256-bit key written as base64 (44 characters) or hex (64 characters), e.g. from `BERTH_SECRET_KEY`.
 * Throws SecretError(InvalidKey) without echoing the value.
 */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed))
    key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretError(SecretErrorCode.InvalidKey, 'a secret key must be 32 bytes written as base64 or hex');
  }
  return key;
}

/** A short, non-secret identifier of a key (first 16 hex of its SHA-256), stored next to what it sealed. */
export function secretKeyId(key: Buffer): string {
  assertKey(key);
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new SecretError(SecretErrorCode.InvalidKey, `an AES-256 key must be ${KEY_BYTES} bytes`);
  }
}

function decodeField(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new SecretError(SecretErrorCode.Malformed, `sealed secret field ${field} is not base64`);
  }
  return Buffer.from(value, 'base64');
}
