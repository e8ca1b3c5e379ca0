import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every Berth API token starts with this, so secret scanners (and people) recognize one. */
export const TOKEN_PREFIX = 'berth_';

const TOKEN_PATTERN = /^berth_[A-Za-z0-9_-]{43}$/;

/** A new token: the prefix and 256 random bits, base64url. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** What is stored: the hex SHA-256 of the token (the token is high-entropy, so no salt or slow hash is needed). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes of the same length. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
