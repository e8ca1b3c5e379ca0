import { createHash } from 'node:crypto';

/** The naming limits of one kind of cloud resource. */
export interface NameRule {
  maxLength: number;
  /** Characters outside this class are replaced by the separator. */
  allowed: RegExp;
  separator: string;
  lowercase?: boolean;
  /** Prefix to prepend when the name would not start with a letter. */
  letterPrefix?: string;
}

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * A deterministic name from parts, fitted to a resource's naming limits: disallowed characters become the separator,
 * and a name too long is cut and suffixed with a hash of the whole, so two long names never collide.
 */
export function fitName(parts: readonly string[], rule: NameRule): string {
  const joined = parts.filter((p) => p !== '').join(rule.separator);
  let name = rule.lowercase ? joined.toLowerCase() : joined;
  name = [...name].map((ch) => (rule.allowed.test(ch) ? ch : rule.separator)).join('');
  if (rule.letterPrefix !== undefined && !/^[A-Za-z]/.test(name)) name = rule.letterPrefix + name;
  if (name.length <= rule.maxLength) return name;
  const hash = shortHash(joined);
  const head = name.slice(0, rule.maxLength - hash.length - rule.separator.length).replace(/[^A-Za-z0-9]+$/, '');
  return `${head}${rule.separator}${hash}`;
}
