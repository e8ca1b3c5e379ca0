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

/**
 * A value KubeVela's module fixes or defaults, given to a component of the alias type that leaves it unset (canonical
 * path, e.g. ['vswitches', '0', 'zone']). `when` limits it to the properties it fits.
 */
export interface AliasDefault {
  to: PathSegment[];
  value: unknown;
  /** The KubeVela property name a user sets instead (for messages). */
  written: string;
  when?: (canonical: Record<string, unknown>) => boolean;
}

export interface TypeAlias {
  alias: string;
  canonical: CloudComponentType;
  properties: ReadonlyMap<string, AliasProperty | UnsupportedAliasProperty>;
  defaults: readonly AliasDefault[];
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
  defaults: AliasDefault[] = [],
): TypeAlias {
  return { alias: name, canonical, properties: new Map([...entries, ...KUBEVELA_COMMON]), defaults };
}

/**
 * KubeVela's `databases: [{name, character_set, description}]`. Berth creates one database per instance: a list of
 * one becomes its databaseName; the character set must be the one Berth creates (utf8/utf8mb4).
 */
const oneDatabase = (value: unknown): Conversion => {
  if (!Array.isArray(value)) return { problem: 'must be a list of databases ({name, character_set, description})' };
  if (value.length !== 1) {
    return {
      problem:
        `has ${value.length} databases; Berth creates exactly one database per instance (not yet several): ` +
        'give one, or one alibaba-rds component per database',
    };
  }
  const entry = value[0] as Record<string, unknown> | null;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || typeof entry.name !== 'string')
    return { problem: 'each database must be a mapping with a name (a string)' };
  const unknown = Object.keys(entry).filter((k) => !['name', 'character_set', 'description'].includes(k));
  if (unknown.length > 0)
    return { problem: `${unknown.join(', ')}: not a field of a database; fields: name, character_set, description` };
  const charset = entry.character_set;
  if (charset !== undefined && !(typeof charset === 'string' && /^utf8(mb4)?$/i.test(charset)))
    return { problem: `character_set ${JSON.stringify(charset)}: Berth creates utf8 (utf8mb4) databases only` };
  return { value: entry.name };
};

const isMysql = (p: Record<string, unknown>) => p.engine === undefined || p.engine === 'mysql';

/** KubeVela's alibaba-rds module: MySQL 8.0 on rds.mysql.c1.large with 20 GB, database dblinks, account oam. */
const RDS_DEFAULTS: AliasDefault[] = [
  { to: ['engine'], value: 'mysql', written: 'engine' },
  { to: ['engineVersion'], value: '8.0', written: 'engine_version', when: isMysql },
  { to: ['instanceClass'], value: 'rds.mysql.c1.large', written: 'instance_type', when: isMysql },
  { to: ['storageGB'], value: 20, written: 'instance_storage' },
  { to: ['databaseName'], value: 'dblinks', written: 'database_name' },
  { to: ['accountName'], value: 'oam', written: 'account_name' },
  { to: ['privilege'], value: 'ReadWrite', written: 'privilege' },
];

/** KubeVela's vpc and vswitch modules: VPC 172.16.0.0/12, vSwitch 172.16.0.0/18 in zone cn-beijing-a. */
const KUBEVELA_VPC_CIDR = '172.16.0.0/12';
const VPC_DEFAULTS: AliasDefault[] = [{ to: ['cidr'], value: KUBEVELA_VPC_CIDR, written: 'vpc_cidr' }];
const VSWITCH_DEFAULTS: AliasDefault[] = [
  ...VPC_DEFAULTS,
  { to: ['vswitches', '0', 'zone'], value: 'cn-beijing-a', written: 'zone_id' },
  // Only inside KubeVela's default VPC block; inside a block of the user's own, Berth allocates the vSwitch's.
  {
    to: ['vswitches', '0', 'cidr'],
    value: '172.16.0.0/18',
    written: 'vswitch_cidr',
    when: (p) => p.cidr === KUBEVELA_VPC_CIDR,
  },
];

/** KubeVela's slb module: an intranet slb.s2.small. */
const SLB_DEFAULTS: AliasDefault[] = [
  { to: ['addressType'], value: 'intranet', written: 'address_type' },
  { to: ['spec'], value: 'slb.s2.small', written: 'specification' },
];

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
    alias(
      'alibaba-rds',
      'rds',
      [
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
        [
          'databases',
          rename(
            'databaseName',
            'Databases to create on the instance: [{name, character_set, description}]',
            oneDatabase,
          ),
        ],
      ],
      RDS_DEFAULTS,
    ),
    alias('alibaba-oss', 'oss', [
      ['bucket', rename('bucket', 'OSS bucket name')],
      ['acl', rename('acl', "OSS bucket ACL: 'private', 'public-read' or 'public-read-write'")],
    ]),
    alias(
      'alibaba-slb',
      'slb',
      [
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
      ],
      SLB_DEFAULTS,
    ),
    // alibaba-vpc alone keeps Berth's allocation from the environment's pool (no overlap); alibaba-vswitch takes
    // KubeVela's block, since its vswitch_cidr is written against that block.
    alias('alibaba-vpc', 'vpc', VPC_PROPERTIES),
    alias(
      'alibaba-vswitch',
      'vpc',
      [
        ...VPC_PROPERTIES,
        ['vswitch_cidr', { to: ['vswitches', '0', 'cidr'], description: 'CIDR block of the vSwitch' }],
        ['zone_id', { to: ['vswitches', '0', 'zone'], description: 'Availability zone id of the vSwitch' }],
        ['vswitch_name', { to: ['vswitches', '0', 'name'], description: 'Name of the vSwitch' }],
        ['vswitch_description', { to: ['vswitches', '0', 'description'], description: 'Description of the vSwitch' }],
      ],
      VSWITCH_DEFAULTS,
    ),
  ].map((entry) => [entry.alias, entry]),
);

export function isUnsupported(
  property: AliasProperty | UnsupportedAliasProperty,
): property is UnsupportedAliasProperty {
  return 'unsupported' in property;
}
