import type { AliasDefault, Conversion, TypeDescriptor } from '@berth/core';
import { cloudSchema } from '../shared/cloud-common.schema';
import { integerFromString, kubeVelaAlias, lowercaseEnum, rename } from '../shared/kubevela-conversions';
import {
  NETWORK_REFERENCE,
  networkOrVswitch,
  networkPlacementSchema,
  securityIpsAlias,
  vswitchIdAlias,
} from '../shared/network-placement';
import {
  ACCOUNT_NAME_PATTERN,
  DB_IDENTIFIER_PATTERN,
  INSTANCE_NAME_PATTERN,
  VERSION_PATTERN,
} from '../shared/schema-patterns';

const MINUTE = 60_000;

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

/** `rds`: a database instance with one database and one account (KubeVela's alibaba-rds). */
export const rdsType: TypeDescriptor = {
  name: 'rds',
  category: 'cloud',
  description: 'A managed relational database instance (MySQL or PostgreSQL) with one database and one account',
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
    databaseName: { type: 'string', pattern: DB_IDENTIFIER_PATTERN, description: 'Name of the database to create' },
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
    ...networkPlacementSchema('the instance', { securityIps: true }),
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
    { name: 'DATABASE_NAME', sensitive: false, description: 'Name of the database' },
    { name: 'DB_NAME', sensitive: false, description: 'Name of the database (alias of DATABASE_NAME)' },
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
  checks: [networkOrVswitch],
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
        securityIpsAlias('IP addresses allowed to access the databases'),
        vswitchIdAlias('the instance'),
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
  ],
};
