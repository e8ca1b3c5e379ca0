import { describe, expect, it } from 'vitest';
import { SecretError, SecretErrorCode } from './secret.error';
import { generateSecretKey, openSecret, parseSecretKey, sealSecret, secretKeyId } from './secret-sealer';

const plaintext = { DB_PASSWORD: 'Very-Secret-123', DB_HOST: 'db.internal', nested: { n: 1 } };

function codeOf(fn: () => unknown): SecretErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretError) return error.code;
    throw error;
  }
  return undefined;
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64');
}

describe('sealSecret / openSecret', () => {
  const key = generateSecretKey();
  const keyId = secretKeyId(key);

  it('round-trips a JSON object and never stores the plaintext', () => {
    const sealed = sealSecret(key, keyId, plaintext, 'resource-1:3');
    expect(sealed.keyId).toBe(keyId);
    expect(JSON.stringify(sealed)).not.toContain('Very-Secret-123');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(openSecret(key, sealed, 'resource-1:3')).toEqual(plaintext);
  });

  it('uses a fresh IV each time', () => {
    const a = sealSecret(key, keyId, plaintext);
    const b = sealSecret(key, keyId, plaintext);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('detects a changed ciphertext, tag, iv, associated data or key', () => {
    const sealed = sealSecret(key, keyId, plaintext, 'resource-1:3');
    expect(
      codeOf(() => openSecret(key, { ...sealed, ciphertext: flipFirstByte(sealed.ciphertext) }, 'resource-1:3')),
    ).toBe(SecretErrorCode.Tampered);
    expect(codeOf(() => openSecret(key, { ...sealed, tag: flipFirstByte(sealed.tag) }, 'resource-1:3'))).toBe(
      SecretErrorCode.Tampered,
    );
    expect(codeOf(() => openSecret(key, { ...sealed, iv: flipFirstByte(sealed.iv) }, 'resource-1:3'))).toBe(
      SecretErrorCode.Tampered,
    );
    expect(codeOf(() => openSecret(key, sealed, 'resource-2:3'))).toBe(SecretErrorCode.Tampered);
    expect(codeOf(() => openSecret(generateSecretKey(), sealed, 'resource-1:3'))).toBe(SecretErrorCode.Tampered);
  });

  it('finds the key by id through a keyring and reports an unknown key id', () => {
    const oldKey = generateSecretKey();
    const sealed = sealSecret(oldKey, 'old', plaintext);
    const keyring = (id: string) => ({ old: oldKey, [keyId]: key })[id];
    expect(openSecret(keyring, sealed)).toEqual(plaintext);
    expect(codeOf(() => openSecret(keyring, { ...sealed, keyId: 'gone' }))).toBe(SecretErrorCode.UnknownKey);
  });

  it('refuses keys that are not 256 bits and malformed sealed values', () => {
    expect(codeOf(() => sealSecret(Buffer.alloc(16), 'k', plaintext))).toBe(SecretErrorCode.InvalidKey);
    const sealed = sealSecret(key, keyId, plaintext);
    expect(codeOf(() => openSecret(key, { ...sealed, iv: 'not base64!' }))).toBe(SecretErrorCode.Malformed);
    expect(codeOf(() => openSecret(key, { ...sealed, tag: Buffer.alloc(4).toString('base64') }))).toBe(
      SecretErrorCode.Malformed,
    );
  });
});

describe('parseSecretKey', () => {
  it('reads base64 and hex keys and refuses anything else without echoing it', () => {
    const key = generateSecretKey();
    expect(parseSecretKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url')).equals(key)).toBe(true);
    try {
      parseSecretKey('too-short-secret');
      expect.unreachable();
    } catch (error) {
      expect((error as SecretError).code).toBe(SecretErrorCode.InvalidKey);
      expect((error as Error).message).not.toContain('too-short-secret');
    }
  });

  it('derives a stable key id that differs between keys', () => {
    const key = generateSecretKey();
    expect(secretKeyId(key)).toBe(secretKeyId(Buffer.from(key)));
    expect(secretKeyId(key)).not.toBe(secretKeyId(generateSecretKey()));
  });
});
