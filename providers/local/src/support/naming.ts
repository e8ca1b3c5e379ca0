import { createHash, randomBytes } from 'node:crypto';

/** A short, stable, lowercase hex digest of a request identity. */
export function shortHash(value: string, length = 10): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** Deterministic resource id such as `rds-3f2a9c01bd`, derived from the request's idempotency key. */
export function resourceId(prefix: string, idempotencyKey: string): string {
  return `${prefix}-${shortHash(idempotencyKey)}`;
}

/**
 * A deterministic SQL identifier (lowercase letters, digits, underscores; starts with a letter; at most `max` chars)
 * built from readable parts plus a hash suffix so that different environments never collide on a shared server.
 */
export function sqlName(parts: string[], idempotencyKey: string, max = 63): string {
  const suffix = shortHash(idempotencyKey, 8);
  let base = parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(base)) base = `b_${base}`;
  base = base.slice(0, max - suffix.length - 1).replace(/_+$/, '');
  return `${base}_${suffix}`;
}

/** A deterministic S3 bucket name (3-63 chars, lowercase letters, digits and hyphens). */
export function bucketName(parts: string[], idempotencyKey: string): string {
  const suffix = shortHash(idempotencyKey, 8);
  let base = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z0-9]/.test(base)) base = `b-${base}`;
  base = base.slice(0, 63 - suffix.length - 1).replace(/-+$/, '');
  return `${base}-${suffix}`;
}

/** A random secret of URL-safe characters (used for generated access keys and rotated passwords). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
