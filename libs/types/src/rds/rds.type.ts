import type { AliasDefault, Conversion, TypeCheck, TypeDescriptor } from '@berth/core';
import { cloudSchema } from '../shared/cloud-common.schema';
import { integerFromString, ipList, kubeVelaAlias, lowercaseEnum, rename } from '../shared/kubevela-conversions';
import { NETWORK_REFERENCE, networkOrVswitch } from '../shared/network-placement';
import {
  ACCOUNT_NAME_PATTERN,
  CLOUD_ID_PATTERN,
  DB_IDENTIFIER_PATTERN,
  DNS_LABEL_PATTERN,
  INSTANCE_NAME_PATTERN,
  IPV4_OR_CIDR_PATTERN,
  VERSION_PATTERN,
} from '../shared/schema-patterns';

const MINUTE = 60_000;

/** A database on the instance, as the `databases` list of the canonical type holds it. */
export interface RdsDatabase {
  name: string;
  characterSet?: string;
  description?: string;
}

/** The character sets Berth creates databases in: UTF-8 (MySQL's utf8 / utf8mb4; PostgreSQL's UTF8 either way). */
const CHARACTER_SETS = ['utf8', 'utf8mb4'];
const DATABASE_FIELDS = ['name', 'character_set', 'description'];

/**
 * KubeVela's `databases: [{name, character_set, description}]`: several databases on one instance, each with the
 * account's privilege. Becomes the canonical `databases` list (characterSet for character_set); names are checked by
 * the schema at the path the user wrote.
 */
const kubeVelaDatabases = (value: unknown): Conversion => {
  if (!Array.isArray(value)) return { problem: 'must be a list of databases ({name, character_set, description})' };
  const converted: Record<string, unknown>[] = [];
  for (const [index, entry] of value.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return { problem: `entry ${index} must be a mapping {name, character_set, description}` };
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((k) => !DATABASE_FIELDS.includes(k));
    if (unknown.length > 0)
      return {
        problem: `entry ${index}: ${unknown.join(', ')}: not a field of a database; fields: ${DATABASE_FIELDS.join(', ')}`,
      };
    const charset = fields.character_set;
    if (charset !== undefined && !(typeof charset === 'string' && CHARACTER_SETS.includes(charset.toLowerCase())))
      return {
        problem: `entry ${index}: character_set ${JSON.stringify(charset)}: Berth creates utf8 (utf8mb4) databases only`,
      };
    converted.push({
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(typeof charset === 'string' ? { characterSet: charset.toLowerCase() } : {}),
      ...(fields.description !== undefined ? { description: fields.description } : {}),
    });
  }
  return { value: converted };
};

/** `databaseName` is the one-database shorthand of `databases` (KubeVela: database_name conflicts with databases). */
const oneDatabaseList: TypeCheck = (p) => {
  const problems: { path: string[]; message: string }[] = [];
  if (Object.hasOwn(p, 'databases') && Object.hasOwn(p, 'databaseName'))
    problems.push({ path: ['databaseName'], message: 'give either databaseName or databases, not both' });
  const list = Array.isArray(p.databases) ? (p.databases as Array<{ name?: unknown }>) : [];
  const seen = new Set<unknown>();
  list.forEach((entry, index) => {
    if (seen.has(entry?.name))
      problems.push({ path: ['databases', String(index), 'name'], message: `${String(entry.name)} is listed twice` });
    seen.add(entry?.name);
  });
  return problems;
};

/**
 * The databases an rds component creates, in order: its `databases` list, or the one `databaseName` (`fallback` when
 * neither is set). The first is the one DATABASE_NAME / DB_NAME / DB_URL name, as KubeVela's module publishes it.
 */
export function rdsDatabases(properties: Readonly<Record<string, unknown>>, fallback: string): RdsDatabase[] {
  if (Array.isArray(properties.databases) && properties.databases.length > 0)
    return (properties.databases as RdsDatabase[]).map((d) => ({ ...d }));
  const name =
    typeof properties.databaseName === 'string' && properties.databaseName ? properties.databaseName : fallback;
  return [{ name }];
}

const isMysql = (p: Record<string, unknown>) => p.engine === undefined || p.engine === 'mysql';

/** KubeVela's alibaba-rds module: MySQL 8.0 on rds.mysql.c1.large with 20 GB, database dblinks, account oam. */
const RDS_DEFAULTS: AliasDefault[] = [
  { to: ['engine'], value: 'mysql', written: 'engine' },
  { to: ['engineVersion'], value: '8.0', written: 'engine_version', when: isMysql },
  { to: ['instanceClass'], value: 'rds.mysql.c1.large', written: 'instance_type', when: isMysql },
  { to: ['storageGB'], value: 20, written: 'instance_storage' },
  // KubeVela's module creates dblinks unless the document lists its databases.
  { to: ['databaseName'], value: 'dblinks', written: 'database_name', when: (p) => !Object.hasOwn(p, 'databases') },
  { to: ['accountName'], value: 'oam', written: 'account_name' },
  { to: ['privilege'], value: 'ReadWrite', written: 'privilege' },
];

/** `rds`: a database instance with its databases and one account (KubeVela's alibaba-rds). */
export const rdsType: TypeDescriptor = {
  name: 'rds',
  category: 'cloud',
  description:
    'A managed relational database instance (MySQL or PostgreSQL) with its databases (one by default) and one account',
  schema: cloudSchema({
    engine: { type: 'string', enum: ['mysql', 'postgresql'], default: 'mysql', description: 'Database engine' },
    engineVersion: {
      type: 'string',
      pattern: VERSION_PATTERN,
      description: "Engine version (e.g. 8.0 for MySQL, 16 for PostgreSQL); the provider's default when absent",
    },
    instanceClass: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: "Instance class (e.g. rds.mysql.s2.large); the provider's smallest suitable class when absent",
    },
    storageGB: { type: 'integer', minimum: 5, maximum: 32000, default: 20, description: 'Storage size in GB' },
    instanceName: { type: 'string', pattern: INSTANCE_NAME_PATTERN, description: 'Display name of the instance' },
    databaseName: {
      type: 'string',
      pattern: DB_IDENTIFIER_PATTERN,
      description: 'Name of the database to create (the one-database form of `databases`)',
    },
    databases: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      description:
        'Databases to create on the instance, each with the account privilege; the first is the one ' +
        'DATABASE_NAME, DB_NAME and DB_URL name',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: DB_IDENTIFIER_PATTERN, description: 'Name of the database' },
          characterSet: {
            type: 'string',
            enum: CHARACTER_SETS,
            default: 'utf8',
            description: 'Character set (MySQL utf8 or utf8mb4; PostgreSQL databases are UTF8)',
          },
          description: { type: 'string', maxLength: 256, description: 'Description of the database' },
        },
      },
    },
    accountName: { type: 'string', pattern: ACCOUNT_NAME_PATTERN, description: 'Name of the account to create' },
    password: {
      type: 'string',
      minLength: 8,
      maxLength: 32,
      writeOnly: true,
      description: 'Account password; generated when absent. Never shown back: every read redacts it',
    },
    privilege: {
      type: 'string',
      enum: ['ReadWrite', 'ReadOnly', 'DDLOnly', 'DMLOnly', 'DBOwner'],
      default: 'ReadWrite',
      description: "The account's privilege on the database",
    },
    network: {
      type: 'string',
      pattern: DNS_LABEL_PATTERN,
      description: 'Name of a `vpc` component of this application to place the instance in',
    },
    vswitchId: {
      type: 'string',
      pattern: CLOUD_ID_PATTERN,
      description: 'Id of an existing vSwitch to place the instance in (instead of `network`)',
    },
    securityIps: {
      type: 'array',
      items: { type: 'string', pattern: IPV4_OR_CIDR_PATTERN },
      minItems: 1,
      uniqueItems: true,
      description: "Addresses allowed to connect; default: the network's CIDR (never 0.0.0.0/0)",
    },
    publicConnection: {
      type: 'boolean',
      default: false,
      description: 'Also allocate a public endpoint (published as DB_PUBLIC_HOST)',
    },
  }),
  connectionKeys: [
    { name: 'DB_HOST', sensitive: false, description: 'Private host name of the database instance' },
    { name: 'DB_PORT', sensitive: false, description: 'Port the database listens on' },
    { name: 'DB_USER', sensitive: false, description: 'Account name' },
    { name: 'DB_PASSWORD', sensitive: true, description: 'Account password' },
    { name: 'DATABASE_NAME', sensitive: false, description: 'Name of the (first) database' },
    { name: 'DB_NAME', sensitive: false, description: 'Name of the (first) database (alias of DATABASE_NAME)' },
    { name: 'DB_ID', sensitive: false, description: 'Instance id' },
    { name: 'DB_URL', sensitive: true, description: 'Connection URL with credentials' },
    {
      name: 'DB_PUBLIC_HOST',
      sensitive: false,
      description: 'Public host name',
      condition: 'only when publicConnection is true',
    },
  ],
  secretInputs: ['password'],
  generatedInputs: ['password'],
  // An RDS account has one password: rotation sets a new one, which the broker then holds as the password input.
  rotation: { reissues: ['DB_PASSWORD', 'DB_URL'], holds: { input: 'password', key: 'DB_PASSWORD' } },
  // Creating an instance takes 10–20 minutes on Alibaba Cloud, changing its class longer: the longest deadline.
  stepTimeoutMs: 40 * MINUTE,
  checks: [networkOrVswitch, oneDatabaseList],
  references: [NETWORK_REFERENCE],
  aliases: [
    kubeVelaAlias(
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
            'databases',
            'Databases to create on the instance: [{name, character_set, description}]; conflicts with database_name',
            kubeVelaDatabases,
          ),
        ],
      ],
      RDS_DEFAULTS,
    ),
  ],
};
