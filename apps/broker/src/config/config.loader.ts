import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatSettingProblem, parseSettingDuration, readEnvSettings, type SettingProblem } from '@berth/core';
import { databaseKind } from '@berth/persistence';
import { type BerthConfig, type BerthRole, type LogLevel } from './berth-config';
import { JOURNAL_WRITE_DELAY_MS } from '../lifecycle/db-operation.journal';
import { ConfigError } from './config.error';
import { EnvironmentVariables, EXPECTATIONS } from './environment-variables.dto';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Where kubeconfig files may be named from when BERTH_KUBECONFIG_DIRS is unset: where kubectl keeps them. */
export function defaultKubeconfigDirs(): string[] {
  const home = homedir();
  return home ? [join(home, '.kube')] : [];
}

/**
 * Reads and validates the service's own environment variables (not the adapters': each reads its own, and boot
 * reports every part's problems together, see app.factory.ts). Never throws: every bad variable is a problem naming it
 * and what it expects; the configuration is meaningful only without any.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): { config: BerthConfig; problems: SettingProblem[] } {
  const { values: variables, problems } = readEnvSettings(
    { settings: EnvironmentVariables, expectations: EXPECTATIONS, secret: ['BERTH_SECRET_KEY', 'BERTH_SECRET_KEYS'] },
    env,
  );
  if (problems.length === 0 && !!variables.BERTH_OIDC_ISSUER !== !!variables.BERTH_OIDC_AUDIENCE) {
    const missing = variables.BERTH_OIDC_ISSUER ? 'BERTH_OIDC_AUDIENCE' : 'BERTH_OIDC_ISSUER';
    problems.push({ variable: missing, message: `${EXPECTATIONS[missing]} (got nothing)` });
  }
  if (variables.BERTH_SECRET_KEY && variables.BERTH_SECRET_KEYS)
    problems.push({
      variable: 'BERTH_SECRET_KEYS',
      message: 'set it or BERTH_SECRET_KEY, not both (BERTH_SECRET_KEYS=<new>,<old> to rotate)',
    });
  else if (
    variables.BERTH_SECRET_KEYS &&
    new Set(variables.BERTH_SECRET_KEYS).size !== variables.BERTH_SECRET_KEYS.length
  )
    problems.push({ variable: 'BERTH_SECRET_KEYS', message: 'names a key twice (got <redacted>)' });
  if (variables.BERTH_DATABASE_POOL_SIZE !== undefined && databaseKindOrNone(variables.DATABASE_URL) !== 'postgres')
    problems.push({
      variable: 'BERTH_DATABASE_POOL_SIZE',
      message:
        'sizes the PostgreSQL connection pool: set DATABASE_URL too, or unset it for the embedded SQLite database',
    });
  // A refused variable falls back to its default, so the adapters can still be asked about theirs.
  for (const { variable } of problems) delete (variables as unknown as Record<string, unknown>)[variable];
  return { config: configOf(variables), problems };
}

/**
 * Reads and validates Berth's environment variables. Throws a ConfigError whose message is one line naming each bad
 * variable and what it expects, e.g. `BERTH_PORT: must be an integer between 0 and 65535 (got "abc")`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const { config, problems } = readConfig(env);
  if (problems.length > 0) throw new ConfigError(problems.map(formatSettingProblem).join('; '));
  return config;
}

/**
 * Connections the worker's operations can hold at once, plus room for the API's requests, so that a busy worker never
 * leaves an API read waiting for a connection (pg's own default is 10, fewer than 16 operations in flight).
 */
export const API_CONNECTIONS = 10;

function databaseKindOrNone(url: string | undefined): string | undefined {
  try {
    return databaseKind(url);
  } catch {
    return undefined;
  }
}

function configOf(variables: EnvironmentVariables): BerthConfig {
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
    databasePoolSize:
      databaseKindOrNone(databaseUrl) === 'postgres'
        ? (variables.BERTH_DATABASE_POOL_SIZE ?? (variables.BERTH_WORKER_CONCURRENCY ?? 4) + API_CONNECTIONS)
        : undefined,
    leaseSeconds: variables.BERTH_LEASE_SECONDS ?? 30,
    refreshIntervalMs: variables.BERTH_REFRESH_INTERVAL
      ? parseSettingDuration(variables.BERTH_REFRESH_INTERVAL)
      : 10 * 60_000,
    refreshConcurrency: variables.BERTH_REFRESH_CONCURRENCY ?? variables.BERTH_WORKER_CONCURRENCY ?? 4,
    progressWriteDelayMs: variables.BERTH_PROGRESS_WRITE_DELAY ?? JOURNAL_WRITE_DELAY_MS,
    secretKeys:
      variables.BERTH_SECRET_KEYS ?? (variables.BERTH_SECRET_KEY ? [variables.BERTH_SECRET_KEY.trim()] : undefined),
    requestTimeoutMs: variables.BERTH_REQUEST_TIMEOUT ?? DEFAULT_REQUEST_TIMEOUT_MS,
    kubeconfigDirs: (variables.BERTH_KUBECONFIG_DIRS ?? defaultKubeconfigDirs()).map((dir) => resolve(dir)),
    allowedHosts: variables.BERTH_ALLOWED_HOSTS?.map((host) => host.toLowerCase()),
    allowedOrigins: (variables.BERTH_ALLOWED_ORIGINS ?? []).map((origin) => origin.toLowerCase()),
    authFailureLimit: variables.BERTH_AUTH_FAILURE_LIMIT ?? 10,
    authCacheMs: variables.BERTH_AUTH_CACHE_TTL ?? 5_000,
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
