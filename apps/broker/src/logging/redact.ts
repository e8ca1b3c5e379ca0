import { REDACTED } from '@berth/core';
/** Keys whose values are secrets wherever they appear (case-insensitive, any depth). */
export const SECRET_KEY_PATTERN =
  /(password|passwd|secret|token|authorization|cookie|credential|api[-_]?key|private[-_]?key|^db_url$|^database_url$|^oss_access_key_secret$|^db_password$)/i;

/** Values that carry a secret whatever their key: credentials inside URLs, bearer tokens. */
export function redactValue(value: string): string {
  return value
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s/]*@/gi, `$1:${REDACTED}@`)
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of a log record with secret-looking keys and values masked. Descends only into plain objects and arrays,
 * so live objects (requests, sockets) are left for pino's serializers.
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactValue(value);
  if (depth > 12) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      SECRET_KEY_PATTERN.test(key) && item !== null && item !== undefined ? REDACTED : redactDeep(item, depth + 1);
  }
  return copy;
}
