import { createHash } from 'node:crypto';

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

const DASHED = /[A-Za-z0-9-]/;
const DASHED_DOTTED = /[A-Za-z0-9._-]/;

/** Naming limits of the resources the programs create (from the Alibaba Cloud API references). */
export const NAME_RULES = {
  /** VPC, vSwitch, security group: 2..128, starts with a letter. */
  network: { maxLength: 128, allowed: DASHED_DOTTED, separator: '-', letterPrefix: 'b-' },
  /** RDS instance description: 2..256. */
  rdsInstance: { maxLength: 256, allowed: DASHED_DOTTED, separator: '-', letterPrefix: 'b-' },
  /** RDS database: 2..64 lower-case letters, digits, underscores; starts with a letter. */
  rdsDatabase: { maxLength: 64, allowed: /[a-z0-9_]/, separator: '_', lowercase: true, letterPrefix: 'db_' },
  /** RDS account: 2..32 lower-case letters, digits, underscores; starts with a letter. */
  rdsAccount: { maxLength: 32, allowed: /[a-z0-9_]/, separator: '_', lowercase: true, letterPrefix: 'u_' },
  /** RDS public connection prefix: 8..40 lower-case letters, digits, hyphens. */
  rdsConnectionPrefix: { maxLength: 40, allowed: /[a-z0-9-]/, separator: '-', lowercase: true, letterPrefix: 'b-' },
  /** OSS bucket: 3..63 lower-case letters, digits, hyphens; globally unique. */
  bucket: { maxLength: 63, allowed: /[a-z0-9-]/, separator: '-', lowercase: true },
  /** RAM user: 1..64 letters, digits, `.`, `_`, `-`. */
  ramUser: { maxLength: 64, allowed: DASHED_DOTTED, separator: '-' },
  /** RAM policy: 1..128 letters, digits, `-`. */
  ramPolicy: { maxLength: 128, allowed: DASHED, separator: '-' },
  /** SLB: 1..80. */
  slb: { maxLength: 80, allowed: DASHED_DOTTED, separator: '-' },
  /** Pulumi stack: letters, digits, `-`, `_`, `.`; at most 100. */
  stack: { maxLength: 100, allowed: DASHED_DOTTED, separator: '-' },
} satisfies Record<string, NameRule>;

/** The Pulumi stack of one (environment, application, component): `<env>.<app>.<component>`. */
export function stackName(environment: string, application: string, component: string): string {
  return fitName(
    [environment, application, component].map((p) => p.replace(/\./g, '-')),
    { ...NAME_RULES.stack, separator: '.' },
  );
}
