import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { fitName, type NameRule, type ProgramInput, type ProgramOutputs } from '@berth/pulumi';
import { readAlicloudSettings } from '../profile/alicloud-profile';
import { createProgramContext, invalid, placement, readSecurityIps, requireStr, str } from './program-context';

/** KubeVela's default, and Alibaba Cloud's. */
const DEFAULT_ENGINE_VERSION = '5.0';
/** The port of a kvstore instance in its VPC unless changed. */
const DEFAULT_PORT = '6379';
const PRIVILEGES = new Set(['RoleReadOnly', 'RoleReadWrite']);

/** kvstore instance name: 2..256 characters. */
const INSTANCE_NAME: NameRule = { maxLength: 256, allowed: /[A-Za-z0-9._-]/, separator: '-', letterPrefix: 'b-' };
/** kvstore account: up to 100 lower-case letters, digits and underscores, starting with a letter. */
const ACCOUNT_NAME: NameRule = {
  maxLength: 100,
  allowed: /[a-z0-9_]/,
  separator: '_',
  lowercase: true,
  letterPrefix: 'u_',
};

/**
 * redis: a kvstore Instance (Redis) in the network's vSwitch (or `vswitchId`), its allow-list the network's CIDR (or
 * `securityIps`, never the whole internet), authentication required in the VPC; a read-write Account for the component
 * with Berth's password as a Pulumi secret, and one Account per `accounts[]` entry.
 */
export async function redisProgram(input: ProgramInput): Promise<ProgramOutputs> {
  const ctx = createProgramContext(input);
  const p = input.properties;
  const component = input.component;
  const instanceClass = requireStr(p, 'instanceClass', component);
  const place = placement(input, 'redis');
  const vswitchId = place.vswitchId;
  const securityIps = readSecurityIps(p.securityIps, place.cidr);
  const password = input.secrets.password;
  if (password === undefined) throw invalid(`component "${component}": the broker holds no password for this Redis`);
  // Every check before the first resource: a program that throws after registering one leaves it half-applied.
  const accountName = fitName([component], ACCOUNT_NAME);
  const extras = extraAccounts(input);
  const clash = extras.findIndex((extra) => extra.name === accountName);
  if (clash >= 0) throw invalid(`accounts/${clash}/name: ${accountName} is the component's own account`);
  const settings = readAlicloudSettings(input.profile);
  const securityGroupId = place.securityGroupId;

  const instance = new alicloud.kvstore.Instance(
    'instance',
    {
      instanceType: 'Redis',
      engineVersion: str(p, 'engineVersion') ?? DEFAULT_ENGINE_VERSION,
      instanceClass,
      dbInstanceName: str(p, 'instanceName') ?? ctx.name(INSTANCE_NAME),
      paymentType: 'PostPaid',
      vswitchId,
      securityIps,
      ...(securityGroupId ? { securityGroupId } : {}),
      // Password-free access from the VPC is off: every client logs in as an account.
      vpcAuthMode: 'Open',
      instanceReleaseProtection: settings.deletionProtection === true,
      tags: ctx.tags,
    },
    ctx.opts,
  );
  const account = new alicloud.kvstore.Account(
    'account',
    {
      instanceId: instance.id,
      accountName,
      accountPassword: pulumi.secret(password),
      accountPrivilege: 'RoleReadWrite',
      accountType: 'Normal',
      description: 'managed by berth',
    },
    ctx.opts,
  );
  extras.forEach(
    (extra) =>
      new alicloud.kvstore.Account(
        `account-${extra.name}`,
        {
          instanceId: instance.id,
          accountName: extra.name,
          accountPassword: extra.password,
          accountPrivilege: extra.privilege,
          accountType: 'Normal',
          description: 'managed by berth',
        },
        ctx.opts,
      ),
  );

  const host = instance.connectionDomain;
  const port = instance.privateConnectionPort.apply((value) => value || DEFAULT_PORT);
  const url = pulumi
    .all([host, port, account.accountName, password])
    .apply(([h, pt, user, pw]) => `redis://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@${h}:${pt}`);
  return {
    connection: {
      REDIS_CONNECT_ADDRESS: pulumi.interpolate`${host}:${port}`,
      REDIS_NAME: instance.dbInstanceName,
      REDIS_USER: account.accountName,
      REDIS_PASSWORD: pulumi.secret(password),
      REDIS_HOST: host,
      REDIS_PORT: port,
      // The instance is the component's alone; the prefix is the one the local provider enforces on its shared
      // server, published here too so that an application written against it runs unchanged.
      REDIS_KEY_PREFIX: pulumi.output(`${input.environment}.${input.application}.${component}:`),
      REDIS_URL: pulumi.secret(url),
    },
    externalIds: { instanceId: instance.id, accountId: account.id },
  };
}

/** `accounts[]`: name, password (in the entry, or held by the broker as `accounts/<i>/password`), privilege. */
function extraAccounts(
  input: ProgramInput,
): Array<{ name: string; password: pulumi.Output<string>; privilege: string }> {
  const accounts = input.properties.accounts;
  if (accounts === undefined || accounts === null) return [];
  if (!Array.isArray(accounts)) throw invalid('accounts must be a list of {name, password, privilege}');
  const seen = new Set<string>();
  return accounts.map((entry, i) => {
    const a = (typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : {}) as Record<
      string,
      unknown
    >;
    const name = a.name;
    if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,99}$/.test(name))
      throw invalid(
        `accounts/${i}/name: a lowercase letter, then lowercase letters, digits and _ (at most 100 characters)`,
      );
    if (seen.has(name)) throw invalid(`accounts/${i}/name: account ${name} is listed twice`);
    seen.add(name);
    const held = input.secrets[`accounts/${i}/password`];
    const given = typeof a.password === 'string' && a.password !== '' ? pulumi.secret(a.password) : undefined;
    const password = held ?? given;
    if (password === undefined)
      throw invalid(
        `accounts/${i}/password: account ${name} needs a password (Berth publishes only the main account's)`,
      );
    const privilege = a.privilege ?? 'RoleReadWrite';
    if (typeof privilege !== 'string' || !PRIVILEGES.has(privilege))
      throw invalid(`accounts/${i}/privilege: one of ${[...PRIVILEGES].join(', ')}`);
    return { name, password, privilege };
  });
}
