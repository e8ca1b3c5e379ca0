import {
  jsonPointer,
  type CloudComponentType,
  type JsonObject,
  type ProviderProfile,
  type ValidationProblem,
} from '@berth/core';
import { validateDefaultNetwork, type DefaultNetworkSettings } from './default-network';

/** Profile kinds this adapter serves. */
export const ALICLOUD_PROFILE_KINDS = ['alicloud', 'apsara'] as const;
export type AlicloudProfileKind = (typeof ALICLOUD_PROFILE_KINDS)[number];

/** Where the access key comes from. Only references: names of env vars, or a credentials file. */
export interface CredentialReference {
  /** Env var holding the access key id (default `ALICLOUD_ACCESS_KEY` when no file is given). */
  accessKeyIdEnv?: string;
  /** Env var holding the access key secret (default `ALICLOUD_SECRET_KEY` when no file is given). */
  accessKeySecretEnv?: string;
  /** Env var holding an STS security token, when the key is temporary. */
  securityTokenEnv?: string;
  /** Path of an Alibaba Cloud CLI credentials file (`~/.aliyun/config.json`). */
  file?: string;
  /** Profile inside that file. */
  profile?: string;
}

export interface AssumeRoleSettings {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  /** Seconds, 900..43200. */
  sessionExpiration?: number;
}

/** Settings of an `alicloud` or `apsara` profile, as read from `ProviderProfile.settings`. */
export interface AlicloudProfileSettings {
  region: string;
  credentials?: CredentialReference;
  assumeRole?: AssumeRoleSettings;
  /** Pulumi state backend: `file:///…` (default `file://<dataDir>/pulumi`) or `s3://bucket?endpoint=…` for OSS. */
  backendUrl?: string;
  /** Turn on deletion protection on RDS instances and SLBs. */
  deletionProtection?: boolean;
  /**
   * A shorter deadline per component type, in seconds: a run stops at it or at its lifecycle step's deadline,
   * whichever comes first (the step's deadline, core's step policy, cannot be lengthened here).
   */
  timeouts?: Partial<Record<'rds' | 'oss' | 'slb' | 'vpc', number>>;
  /** apsara: service → endpoint host overrides (e.g. `{ ecs: 'ecs.internal.example' }`). */
  endpoints?: Record<string, string>;
  /** apsara: `HTTP` or `HTTPS` (default). */
  protocol?: 'HTTP' | 'HTTPS';
  /** apsara: skip the public region list check (default true for apsara, false for alicloud). */
  skipRegionValidation?: boolean;
  /** An existing network for rds/redis/slb components that name none (see default-network.ts). */
  defaultNetwork?: DefaultNetworkSettings;
  /** An existing vSwitch id for those components, without a CIDR (their securityIps then required). */
  defaultVswitch?: string;
}

/**
 * Services whose endpoint an apsara profile may override: the ones the rds/oss/slb/vpc programs call, plus the
 * services the provider itself uses for identity and region lookups.
 */
export const ENDPOINT_SERVICES = [
  'ecs',
  'vpc',
  'rds',
  'slb',
  'oss',
  'ram',
  'sts',
  'location',
  'resourcemanager',
] as const;

const KNOWN_KEYS = new Set([
  'region',
  'credentials',
  'assumeRole',
  'backendUrl',
  'deletionProtection',
  'timeouts',
  'endpoints',
  'protocol',
  'skipRegionValidation',
  'defaultNetwork',
  'defaultVswitch',
]);
const LITERAL_SECRET_KEYS = /^(access_?key(_?id)?|secret_?key|access_?key_?secret|security_?token|password|secret)$/i;
const ACCESS_KEY_SHAPE = /^LTAI[0-9A-Za-z]{8,}$/;
const REGION = /^[a-z]{2,}(-[a-z0-9]+){1,4}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._/-]+$/;
const LITERAL_MESSAGE =
  'literal access keys are not accepted in a profile: name the environment variables that hold them ' +
  '(credentials.accessKeyIdEnv, credentials.accessKeySecretEnv) or a credentials file (credentials.file)';

export function isAlicloudKind(kind: string): kind is AlicloudProfileKind {
  return (ALICLOUD_PROFILE_KINDS as readonly string[]).includes(kind);
}

/** Every problem of a profile's settings; paths are JSON pointers relative to `settings`. */
export function validateAlicloudProfile(profile: ProviderProfile): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const s = profile.settings ?? {};
  const apsara = profile.kind === 'apsara';
  if (!isAlicloudKind(profile.kind)) {
    problems.push({ path: '', message: `profile kind "${profile.kind}" is not served by the Alibaba Cloud provider` });
  }
  findLiteralSecrets(s, [], problems);

  for (const key of Object.keys(s)) {
    if (!KNOWN_KEYS.has(key) && !LITERAL_SECRET_KEYS.test(key)) {
      problems.push({ path: jsonPointer(key), message: `unknown setting "${key}"` });
    }
  }

  if (s.region === undefined || s.region === '') {
    problems.push({ path: '/region', message: 'region is required (e.g. cn-hangzhou)' });
  } else if (typeof s.region !== 'string' || !REGION.test(s.region)) {
    problems.push({ path: '/region', message: `region must look like cn-hangzhou, got ${JSON.stringify(s.region)}` });
  }

  if (s.credentials !== undefined) {
    if (!isObject(s.credentials)) {
      problems.push({ path: '/credentials', message: 'credentials must be an object of references' });
    } else {
      const c = s.credentials;
      for (const key of ['accessKeyIdEnv', 'accessKeySecretEnv', 'securityTokenEnv'] as const) {
        const v = c[key];
        if (v !== undefined && (typeof v !== 'string' || !ENV_NAME.test(v))) {
          problems.push({
            path: jsonPointer('credentials', key),
            message: `${key} must be the NAME of an environment variable`,
          });
        }
      }
      for (const key of ['file', 'profile'] as const) {
        if (c[key] !== undefined && (typeof c[key] !== 'string' || c[key] === '')) {
          problems.push({ path: jsonPointer('credentials', key), message: `${key} must be a non-empty string` });
        }
      }
      if ((c.accessKeyIdEnv === undefined) !== (c.accessKeySecretEnv === undefined)) {
        problems.push({ path: '/credentials', message: 'accessKeyIdEnv and accessKeySecretEnv are given together' });
      }
      if (c.file !== undefined && c.accessKeyIdEnv !== undefined) {
        problems.push({
          path: '/credentials',
          message: 'use either environment variables or a credentials file, not both',
        });
      }
      for (const key of Object.keys(c)) {
        if (
          !['accessKeyIdEnv', 'accessKeySecretEnv', 'securityTokenEnv', 'file', 'profile'].includes(key) &&
          !LITERAL_SECRET_KEYS.test(key)
        ) {
          problems.push({ path: jsonPointer('credentials', key), message: `unknown credentials setting "${key}"` });
        }
      }
    }
  }

  if (s.assumeRole !== undefined) {
    if (!isObject(s.assumeRole)) {
      problems.push({ path: '/assumeRole', message: 'assumeRole must be an object with roleArn' });
    } else {
      const r = s.assumeRole;
      if (typeof r.roleArn !== 'string' || !ROLE_ARN.test(r.roleArn)) {
        problems.push({
          path: '/assumeRole/roleArn',
          message: 'roleArn must look like acs:ram::<account id>:role/<name>',
        });
      }
      if (
        r.sessionExpiration !== undefined &&
        !(
          Number.isInteger(r.sessionExpiration) &&
          (r.sessionExpiration as number) >= 900 &&
          (r.sessionExpiration as number) <= 43200
        )
      ) {
        problems.push({
          path: '/assumeRole/sessionExpiration',
          message: 'sessionExpiration is whole seconds between 900 and 43200',
        });
      }
    }
  }

  if (
    s.backendUrl !== undefined &&
    (typeof s.backendUrl !== 'string' || !/^(file|s3|azblob|gs):\/\//.test(s.backendUrl))
  ) {
    problems.push({
      path: '/backendUrl',
      message: 'backendUrl must be a file:// or s3:// URL (OSS through its S3-compatible endpoint)',
    });
  }
  problems.push(...validateDefaultNetwork(s));
  if (s.deletionProtection !== undefined && typeof s.deletionProtection !== 'boolean') {
    problems.push({ path: '/deletionProtection', message: 'deletionProtection must be true or false' });
  }
  if (s.timeouts !== undefined) {
    if (!isObject(s.timeouts)) problems.push({ path: '/timeouts', message: 'timeouts must map a type to seconds' });
    else
      for (const [type, seconds] of Object.entries(s.timeouts)) {
        if (!['rds', 'oss', 'slb', 'vpc'].includes(type) || typeof seconds !== 'number' || seconds <= 0) {
          problems.push({
            path: jsonPointer('timeouts', type),
            message: 'timeouts maps rds|oss|slb|vpc to a positive number of seconds',
          });
        }
      }
  }

  if (apsara) {
    if (!isObject(s.endpoints) || Object.keys(s.endpoints).length === 0) {
      problems.push({
        path: '/endpoints',
        message: `an apsara profile needs endpoints: a map of service (${ENDPOINT_SERVICES.join(', ')}) to its private endpoint`,
      });
    } else {
      for (const [service, endpoint] of Object.entries(s.endpoints)) {
        if (!(ENDPOINT_SERVICES as readonly string[]).includes(service)) {
          problems.push({
            path: jsonPointer('endpoints', service),
            message: `unknown service "${service}"; one of ${ENDPOINT_SERVICES.join(', ')}`,
          });
        } else if (
          typeof endpoint !== 'string' ||
          !/^[A-Za-z0-9.-]+(:\d+)?(\/.*)?$/.test(endpoint.replace(/^https?:\/\//, ''))
        ) {
          problems.push({
            path: jsonPointer('endpoints', service),
            message: 'an endpoint is a host name (optionally with port)',
          });
        }
      }
    }
  } else {
    for (const key of ['endpoints'] as const) {
      if (s[key] !== undefined)
        problems.push({ path: jsonPointer(key), message: `${key} is only for apsara (private cloud) profiles` });
    }
  }
  if (s.protocol !== undefined && s.protocol !== 'HTTP' && s.protocol !== 'HTTPS') {
    problems.push({ path: '/protocol', message: 'protocol is HTTP or HTTPS' });
  }
  if (s.skipRegionValidation !== undefined && typeof s.skipRegionValidation !== 'boolean') {
    problems.push({ path: '/skipRegionValidation', message: 'skipRegionValidation must be true or false' });
  }
  return problems;
}

/** The profile's own deadline for a component type's runs, in ms, when its `timeouts` names one. */
export function profileTimeoutMs(profile: ProviderProfile, type: CloudComponentType): number | undefined {
  const timeouts: Partial<Record<string, number>> = readAlicloudSettings(profile).timeouts ?? {};
  const seconds = timeouts[type];
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The settings, typed; call after `validateAlicloudProfile` found no problem. */
export function readAlicloudSettings(profile: ProviderProfile): AlicloudProfileSettings {
  return profile.settings as unknown as AlicloudProfileSettings;
}

function findLiteralSecrets(value: unknown, path: string[], problems: ValidationProblem[]): void {
  if (typeof value === 'string') {
    if (ACCESS_KEY_SHAPE.test(value)) problems.push({ path: jsonPointer(...path), message: LITERAL_MESSAGE });
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (LITERAL_SECRET_KEYS.test(key)) {
      problems.push({ path: jsonPointer(...path, key), message: LITERAL_MESSAGE });
      continue;
    }
    findLiteralSecrets(child, [...path, key], problems);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
