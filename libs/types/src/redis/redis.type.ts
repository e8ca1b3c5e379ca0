import type { TypeDescriptor } from '@berth/core';
import { cloudSchema } from '../shared/cloud-common.schema';
import { kubeVelaAlias, rename } from '../shared/kubevela-conversions';
import {
  NETWORK_REFERENCE,
  networkOrVswitch,
  networkPlacementSchema,
  securityIpsAlias,
  vswitchIdAlias,
} from '../shared/network-placement';
import { INSTANCE_NAME_PATTERN } from '../shared/schema-patterns';

/** Alibaba Cloud's account names for Redis (KubeVela's alibaba-redis `accounts[].name`). */
const REDIS_ACCOUNT_PATTERN = '^[a-z][a-z0-9_]{0,99}$';
/** Redis versions as Alibaba Cloud names them (5.0, 7.0). */
const REDIS_VERSION_PATTERN = '^[0-9]+\\.[0-9]+$';

/** `redis`: a Redis with an account of the component's own (KubeVela's alibaba-redis). */
export const redisType: TypeDescriptor = {
  name: 'redis',
  category: 'cloud',
  description: 'A Redis instance with an account of its own (and optional extra accounts), limited to the component',
  schema: cloudSchema({
    instanceName: { type: 'string', pattern: INSTANCE_NAME_PATTERN, description: 'Display name of the instance' },
    engineVersion: {
      type: 'string',
      pattern: REDIS_VERSION_PATTERN,
      default: '5.0',
      description: 'Redis version of the instance (KubeVela and Alibaba Cloud default to 5.0)',
    },
    instanceClass: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'Instance class (e.g. redis.master.small.default); required on Alibaba Cloud',
    },
    ...networkPlacementSchema('the instance', { securityIps: true }),
    password: {
      type: 'string',
      minLength: 8,
      maxLength: 32,
      writeOnly: true,
      description: "Password of the component's account; generated when absent. Never shown back",
    },
    accounts: {
      type: 'array',
      description: 'Extra accounts, each limited to the same keys as the main one',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', pattern: REDIS_ACCOUNT_PATTERN, description: 'Account name' },
          password: {
            type: 'string',
            minLength: 8,
            maxLength: 32,
            writeOnly: true,
            description: 'Account password. Never shown back',
          },
          privilege: {
            type: 'string',
            enum: ['RoleReadWrite', 'RoleReadOnly'],
            default: 'RoleReadWrite',
            description: "The account's privilege",
          },
        },
        required: ['name'],
        additionalProperties: false,
      },
    },
  }),
  connectionKeys: [
    { name: 'REDIS_CONNECT_ADDRESS', sensitive: false, description: 'host:port clients connect to' },
    { name: 'REDIS_NAME', sensitive: false, description: 'Instance name' },
    { name: 'REDIS_USER', sensitive: false, description: "The component's account" },
    { name: 'REDIS_PASSWORD', sensitive: true, description: "The account's password" },
    { name: 'REDIS_HOST', sensitive: false, description: 'Host name of the instance' },
    { name: 'REDIS_PORT', sensitive: false, description: 'Port of the instance' },
    { name: 'REDIS_URL', sensitive: true, description: 'Connection URL with credentials' },
    { name: 'REDIS_KEY_PREFIX', sensitive: false, description: 'The prefix every key and channel of the account has' },
  ],
  secretInputs: ['password', 'accounts/*/password'],
  generatedInputs: ['password'],
  // Redis ACL users hold several passwords: a second one, then the old one removed once every workload has rolled.
  rotation: { reissues: ['REDIS_PASSWORD', 'REDIS_URL'], holds: { input: 'password', key: 'REDIS_PASSWORD' } },
  // A kvstore instance takes 5–15 minutes to create on Alibaba Cloud.
  stepTimeoutMs: 30 * 60_000,
  checks: [networkOrVswitch],
  references: [NETWORK_REFERENCE],
  patternHints: {
    [REDIS_VERSION_PATTERN]: 'a Redis version such as 5.0 or 7.0',
    [REDIS_ACCOUNT_PATTERN]:
      "an account name: a lowercase letter, then lowercase letters, digits and '_' (at most 100)",
  },
  aliases: [
    kubeVelaAlias('alibaba-redis', 'redis', [
      ['instance_name', rename('instanceName', 'Redis instance name')],
      ['engine_version', rename('engineVersion', 'Redis engine version')],
      ['instance_class', rename('instanceClass', 'Redis instance class')],
      vswitchIdAlias('the instance'),
      securityIpsAlias('IP addresses allowed to access the instance'),
      ['password', rename('password', 'Redis instance account password')],
      ['accounts', rename('accounts', 'Extra accounts: name, password, privilege')],
      [
        'account_name',
        {
          unsupported:
            "the component's account is named after the component (published as REDIS_USER); give further accounts in accounts[]",
        },
      ],
    ]),
  ],
};
