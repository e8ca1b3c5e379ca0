import { createHash } from 'node:crypto';

/**
 * What a component's Redis users may do, as ACL rules. Key and channel access is limited to the component's prefix;
 * commands exclude @admin and @dangerous (CONFIG, DEBUG, FLUSHALL, KEYS, MONITOR, SHUTDOWN, …), which would reach
 * beyond the prefix or the user.
 */
export const REDIS_PRIVILEGES = {
  RoleReadWrite: ['+@all', '-@admin', '-@dangerous'],
  RoleReadOnly: ['+@read', '+@connection', '-@admin', '-@dangerous'],
} as const satisfies Record<string, readonly string[]>;

export type RedisPrivilege = keyof typeof REDIS_PRIVILEGES;

export function isRedisPrivilege(value: unknown): value is RedisPrivilege {
  return typeof value === 'string' && Object.hasOwn(REDIS_PRIVILEGES, value);
}

/** An extra account's name: Alibaba Cloud's rule for kvstore accounts, so a document works on both providers. */
export const ACCOUNT_NAME = /^[a-z][a-z0-9_]{0,99}$/;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The component's identity on a shared server: `<environment>.<application>.<component>`. The parts are DNS-1123
 * labels (no dots), so the dotted form is unambiguous and two environments applying the same application never share
 * a user or a key.
 */
export function redisIdentity(environment: string, application: string, component: string): string {
  for (const part of [environment, application, component]) {
    if (!LABEL.test(part)) throw new Error(`"${part}" is not a DNS-1123 label`);
  }
  return `${environment}.${application}.${component}`;
}

/** The keys (and pub/sub channels) of a component begin with this. */
export function keyPrefix(identity: string): string {
  return `${identity}:`;
}

/** The user of an extra account (`accounts[]`): the component's identity and the account's name. */
export function accountUser(identity: string, account: string): string {
  return `${identity}.${account}`;
}

/** What Redis stores of a password (and what `#<hash>` / `!<hash>` name in ACL rules): its SHA-256, in hex. */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/**
 * The complete rule list of one user, for one ACL SETUSER: `reset` first, so the user ends up with exactly these
 * passwords, patterns and commands whatever it had before (one command: no moment with partial rules).
 */
export function aclRules(spec: {
  prefix: string;
  privilege: RedisPrivilege;
  passwordHashes: readonly string[];
}): string[] {
  if (spec.passwordHashes.length === 0) throw new Error('a Redis user needs at least one password');
  return [
    'reset',
    'on',
    ...spec.passwordHashes.map((hash) => `#${hash}`),
    `~${spec.prefix}*`,
    `&${spec.prefix}*`,
    ...REDIS_PRIVILEGES[spec.privilege],
  ];
}
