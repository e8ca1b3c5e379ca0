import { cloudSchema } from './cloud-common.schema';
import {
  ACCOUNT_NAME_PATTERN,
  CLOUD_ID_PATTERN,
  DB_IDENTIFIER_PATTERN,
  DNS_LABEL_PATTERN,
  INSTANCE_NAME_PATTERN,
  IPV4_OR_CIDR_PATTERN,
  VERSION_PATTERN,
} from './schema-patterns';
import type { TypeDefinition } from './type-definition';

export const rdsDefinition: TypeDefinition = {
  name: 'rds',
  kind: 'component',
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
};
