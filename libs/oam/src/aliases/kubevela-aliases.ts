import type { CloudComponentType } from '@berth/core';

export type PathSegment = string;

/** What a written value becomes: a canonical value, nothing (the property restates Berth's behaviour), or a problem. */
export type Conversion = { value: unknown } | { drop: true } | { problem: string };

export interface AliasProperty {
  /** The canonical property path the value moves to. */
  to: PathSegment[];
  description: string;
  convert?: (value: unknown) => Conversion;
}

export interface UnsupportedAliasProperty {
  unsupported: string;
}

export interface TypeAlias {
  alias: string;
  canonical: CloudComponentType;
  properties: ReadonlyMap<string, AliasProperty | UnsupportedAliasProperty>;
}

const keep = (value: unknown): Conversion => ({ value });

/** KubeVela writes `engine: MySQL`; Berth's engines are lowercase. */
const lowercaseEnum =
  (allowed: string[]) =>
  (value: unknown): Conversion => {
    if (typeof value !== 'string') return { value };
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    return { value: match ?? value };
  };

/** Terraform variables are often strings ("20"); take digit-only strings as integers. */
const integerFromString = (value: unknown): Conversion =>
  typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? { value: Number(value) } : { value };

/** Terraform's list(any) of IPs is sometimes written as one comma-separated string. */
const ipList = (value: unknown): Conversion =>
  typeof value === 'string'
    ? {
        value: value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      }
    : { value };

/** `deleteResource: false` keeps the cloud resource when the component goes away. */
const deletionPolicyFromDeleteResource = (value: unknown): Conversion =>
  typeof value === 'boolean' ? { value: value ? 'Delete' : 'Retain' } : { problem: 'must be true or false' };

/** `createSlb: true` / `create_vpc: true` restate what Berth always does; false has no equivalent. */
const mustBeTrue =
  (what: string) =>
  (value: unknown): Conversion => {
    if (value === true) return { drop: true };
    if (value === false)
      return { problem: `must be true: Berth always creates the ${what}; adopting an existing one is not supported` };
    return { problem: 'must be true or false' };
  };

const rename = (to: string, description: string, convert: (value: unknown) => Conversion = keep): AliasProperty => ({
  to: [to],
  description,
  convert,
});

/** Properties KubeVela accepts on every terraform-alibaba component. */
const KUBEVELA_COMMON: Array<[string, AliasProperty]> = [
  [
    'deleteResource',
    rename('deletionPolicy', 'false keeps the resource (deletionPolicy Retain)', deletionPolicyFromDeleteResource),
  ],
  ['customRegion', rename('region', 'Region to create the resource in')],
];

function alias(
  name: string,
  canonical: CloudComponentType,
  entries: Array<[string, AliasProperty | UnsupportedAliasProperty]>,
): TypeAlias {
  return { alias: name, canonical, properties: new Map([...entries, ...KUBEVELA_COMMON]) };
}

const VPC_PROPERTIES: Array<[string, AliasProperty | UnsupportedAliasProperty]> = [
  ['vpc_cidr', rename('cidr', 'CIDR block of the VPC')],
  ['vpc_name', rename('name', 'Display name of the VPC')],
  ['vpc_description', rename('description', 'Description of the VPC')],
  ['create_vpc', { to: [], description: 'Must be true', convert: mustBeTrue('VPC') }],
  ['vpc_id', { unsupported: 'attaching to an existing VPC is not supported; declare the VPC as a component' }],
];

/**
 * KubeVela's terraform-alibaba component types and their property names, mapped onto Berth's canonical types, so
 * Applications written for KubeVela apply unchanged. Canonical property names are accepted under an alias type too.
 */
export const TYPE_ALIASES: ReadonlyMap<string, TypeAlias> = new Map(
  [
    alias('alibaba-rds', 'rds', [
      ['engine', rename('engine', 'Database engine (MySQL or PostgreSQL)', lowercaseEnum(['mysql', 'postgresql']))],
      ['engine_version', rename('engineVersion', 'Engine version')],
      ['instance_type', rename('instanceClass', 'Instance class')],
      ['instance_storage', rename('storageGB', 'Storage size in GB', integerFromString)],
      ['instance_name', rename('instanceName', 'RDS instance name')],
      ['account_name', rename('accountName', 'RDS instance user account name')],
      ['password', rename('password', 'RDS instance account password')],
      ['database_name', rename('databaseName', 'Database name')],
      ['privilege', rename('privilege', 'The privilege of the account on the database')],
      ['security_ips', rename('securityIps', 'IP addresses allowed to access the databases', ipList)],
      ['vswitch_id', rename('vswitchId', 'Id of the vSwitch to create the instance in')],
      ['allocate_public_connection', rename('publicConnection', 'Whether to allocate a public connection')],
      ['sql_file', { unsupported: 'importing an SQL file at creation is not supported' }],
      ['sql_bucket_name', { unsupported: 'importing an SQL file at creation is not supported' }],
      ['sql_bucket_endpoint', { unsupported: 'importing an SQL file at creation is not supported' }],
    ]),
    alias('alibaba-oss', 'oss', [
      ['bucket', rename('bucket', 'OSS bucket name')],
      ['acl', rename('acl', "OSS bucket ACL: 'private', 'public-read' or 'public-read-write'")],
    ]),
    alias('alibaba-slb', 'slb', [
      ['name', rename('name', 'Name of the load balancer')],
      ['slb_name', rename('name', 'Name of the load balancer')],
      ['load_balancer_name', rename('name', 'Name of the load balancer')],
      ['address_type', rename('addressType', 'intranet or internet')],
      ['specification', rename('spec', 'Instance specification')],
      ['load_balancer_spec', rename('spec', 'Instance specification')],
      ['vswitch_id', rename('vswitchId', 'Id of the vSwitch to create the load balancer in')],
      ['zone_id', rename('zone', 'Availability zone id')],
      ['createSlb', { to: [], description: 'Must be true', convert: mustBeTrue('load balancer') }],
      ['namePrefix', { unsupported: 'name prefixes are not supported; Berth derives names, or set name' }],
    ]),
    alias('alibaba-vpc', 'vpc', VPC_PROPERTIES),
    alias('alibaba-vswitch', 'vpc', [
      ...VPC_PROPERTIES,
      ['vswitch_cidr', { to: ['vswitches', '0', 'cidr'], description: 'CIDR block of the vSwitch' }],
      ['zone_id', { to: ['vswitches', '0', 'zone'], description: 'Availability zone id of the vSwitch' }],
      ['vswitch_name', { to: ['vswitches', '0', 'name'], description: 'Name of the vSwitch' }],
      ['vswitch_description', { to: ['vswitches', '0', 'description'], description: 'Description of the vSwitch' }],
    ]),
  ].map((entry) => [entry.alias, entry]),
);

export function isUnsupported(
  property: AliasProperty | UnsupportedAliasProperty,
): property is UnsupportedAliasProperty {
  return 'unsupported' in property;
}
