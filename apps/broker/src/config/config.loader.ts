import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { databaseKind } from '@berth/persistence';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type BerthConfig, type BerthRole, type LogLevel } from './berth-config';
import { ConfigError } from './config.error';
import { EnvironmentVariables, EXPECTATIONS, parseDuration, type VariableName } from './environment-variables.dto';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Where kubeconfig files may be named from when BERTH_KUBECONFIG_DIRS is unset: where kubectl keeps them. */
export function defaultKubeconfigDirs(): string[] {
  const home = homedir();
  return home ? [join(home, '.kube')] : [];
}

const VARIABLES = Object.keys(EXPECTATIONS) as VariableName[];

/** Shows what was given without leaking credentials (a database URL's password) and without flooding the line. */
function shown(name: VariableName, raw: string): string {
  let text = raw;
  if (
    name === 'BERTH_SECRET_KEY' ||
    name === 'BERTH_SECRET_KEYS' ||
    name === 'BERTH_LOCAL_S3_SECRET_ACCESS_KEY' ||
    name === 'BERTH_PULUMI_PASSPHRASE'
  )
    return '<redacted>';
  if (/URL$/.test(name)) text = text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:<redacted>@');
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return JSON.stringify(text);
}

/**
 * Reads and validates Berth's environment variables. Throws a ConfigError whose message is one line naming each bad
 * variable and what it expects, e.g. `BERTH_PORT: must be an integer between 0 and 65535 (got "abc")`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const raw: Partial<Record<VariableName, string>> = {};
  for (const name of VARIABLES) if (env[name] !== undefined) raw[name] = env[name];

  const variables = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(variables, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = VARIABLES.filter((name) => errors.some((e) => e.property === name)).map(
      (name) => `${name}: ${EXPECTATIONS[name]} (got ${shown(name, raw[name] ?? '')})`,
    );
    throw new ConfigError(problems.join('; '));
  }

  if (!!variables.BERTH_OIDC_ISSUER !== !!variables.BERTH_OIDC_AUDIENCE) {
    const missing = variables.BERTH_OIDC_ISSUER ? 'BERTH_OIDC_AUDIENCE' : 'BERTH_OIDC_ISSUER';
    throw new ConfigError(`${missing}: ${EXPECTATIONS[missing]} (got nothing)`);
  }
  if (variables.BERTH_SECRET_KEY && variables.BERTH_SECRET_KEYS)
    throw new ConfigError(
      'BERTH_SECRET_KEYS: set it or BERTH_SECRET_KEY, not both (BERTH_SECRET_KEYS=<new>,<old> to rotate)',
    );
  const secretKeys =
    variables.BERTH_SECRET_KEYS ?? (variables.BERTH_SECRET_KEY ? [variables.BERTH_SECRET_KEY.trim()] : undefined);
  if (secretKeys && new Set(secretKeys).size !== secretKeys.length)
    throw new ConfigError('BERTH_SECRET_KEYS: names a key twice (got <redacted>)');
  const oidcIssuer = variables.BERTH_OIDC_ISSUER?.replace(/\/+$/, '');
  const databaseUrl = variables.DATABASE_URL;
  return {
    host: variables.BERTH_HOST ?? '127.0.0.1',
    port: variables.BERTH_PORT ?? 8080,
    dataDir: resolve(variables.BERTH_DATA_DIR ?? './.berth'),
    databaseUrl,
    databaseKind: databaseKind(databaseUrl),
    maxBodyBytes: variables.BERTH_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES,
    logLevel: (variables.BERTH_LOG_LEVEL ?? 'info') as LogLevel,
    migrateOnBoot: variables.BERTH_MIGRATE_ON_BOOT ?? false,
    role: (variables.BERTH_ROLE ?? 'all') as BerthRole,
    workerConcurrency: variables.BERTH_WORKER_CONCURRENCY ?? 4,
    leaseSeconds: variables.BERTH_LEASE_SECONDS ?? 30,
    refreshIntervalMs: variables.BERTH_REFRESH_INTERVAL ? parseDuration(variables.BERTH_REFRESH_INTERVAL) : 10 * 60_000,
    refreshConcurrency: variables.BERTH_REFRESH_CONCURRENCY ?? variables.BERTH_WORKER_CONCURRENCY ?? 4,
    secretKeys,
    localPostgresUrl: variables.BERTH_LOCAL_POSTGRES_URL,
    localMysqlUrl: variables.BERTH_LOCAL_MYSQL_URL,
    localRedisUrl: variables.BERTH_LOCAL_REDIS_URL,
    localS3Url: variables.BERTH_LOCAL_S3_URL,
    localS3AccessKeyId: variables.BERTH_LOCAL_S3_ACCESS_KEY_ID,
    localS3SecretAccessKey: variables.BERTH_LOCAL_S3_SECRET_ACCESS_KEY,
    pulumiCommand: variables.BERTH_PULUMI_COMMAND?.trim(),
    pulumiPassphrase: variables.BERTH_PULUMI_PASSPHRASE,
    pulumiConcurrency: variables.BERTH_PULUMI_CONCURRENCY,
    requestTimeoutMs: variables.BERTH_REQUEST_TIMEOUT ?? DEFAULT_REQUEST_TIMEOUT_MS,
    kubeconfigDirs: (variables.BERTH_KUBECONFIG_DIRS ?? defaultKubeconfigDirs()).map((dir) => resolve(dir)),
    allowedHosts: variables.BERTH_ALLOWED_HOSTS?.map((host) => host.toLowerCase()),
    allowedOrigins: (variables.BERTH_ALLOWED_ORIGINS ?? []).map((origin) => origin.toLowerCase()),
    authFailureLimit: variables.BERTH_AUTH_FAILURE_LIMIT ?? 10,
    metricsRequireToken: variables.BERTH_METRICS_REQUIRE_TOKEN ?? false,
    oidc:
      oidcIssuer && variables.BERTH_OIDC_AUDIENCE
        ? {
            issuer: oidcIssuer,
            audience: variables.BERTH_OIDC_AUDIENCE,
            jwksUrl: variables.BERTH_OIDC_JWKS_URL ?? `${oidcIssuer}/.well-known/jwks.json`,
            groupsClaim: variables.BERTH_OIDC_GROUPS_CLAIM ?? 'groups',
            clockSkewSeconds: Math.round((variables.BERTH_OIDC_CLOCK_SKEW ?? 30_000) / 1000),
          }
        : undefined,
  };
}
