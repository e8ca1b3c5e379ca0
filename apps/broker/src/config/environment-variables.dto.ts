import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import {
  durationMs,
  emptyAsUnset,
  separatedList,
  SETTING_DURATION_PATTERN,
  strictBoolean,
  strictInteger,
} from '@berth/core';
import { BERTH_ROLES, LOG_LEVELS } from './berth-config';

/** What each variable expects, in words; also the validation message (the loader adds the variable and the value). */
export const EXPECTATIONS = {
  BERTH_HOST: 'must be a host name or an IP address (e.g. 127.0.0.1, 0.0.0.0, ::)',
  BERTH_PORT: 'must be an integer between 0 and 65535',
  BERTH_DATA_DIR: 'must be a non-empty directory path',
  DATABASE_URL: 'must be a postgres:// or postgresql:// URL, or unset for the embedded SQLite database',
  BERTH_MAX_BODY_BYTES: 'must be an integer number of bytes between 1024 and 1073741824',
  BERTH_LOG_LEVEL: `must be one of ${LOG_LEVELS.join(', ')}`,
  BERTH_MIGRATE_ON_BOOT: 'must be true or false',
  BERTH_ROLE: `must be one of ${BERTH_ROLES.join(', ')}`,
  BERTH_WORKER_CONCURRENCY: 'must be an integer between 1 and 256',
  BERTH_DATABASE_POOL_SIZE: 'must be an integer between 1 and 1000 (PostgreSQL connections of this process)',
  BERTH_LEASE_SECONDS: 'must be an integer number of seconds between 1 and 3600',
  BERTH_REFRESH_INTERVAL: 'must be a duration like 30s, 10m, 1h (or 0 to disable)',
  BERTH_REFRESH_CONCURRENCY: 'must be an integer between 1 and 1024',
  BERTH_PROGRESS_WRITE_DELAY: 'must be a duration from 0 to 10s, like 200ms (0 writes every step transition at once)',
  BERTH_SECRET_KEY: 'must be 32 bytes written as base64 (44 characters) or hex (64 characters)',
  BERTH_SECRET_KEYS:
    'must be keys separated by commas, the sealing one first, each 32 bytes written as base64 (44 characters) or hex (64 characters)',
  BERTH_REQUEST_TIMEOUT: 'must be a duration from 1s to 1h, like 30s or 2m (time a client has to send a request)',
  BERTH_KUBECONFIG_DIRS: 'must be absolute directory paths separated by ":", or none',
  BERTH_ALLOWED_HOSTS:
    'must be host names or IP addresses separated by commas (*.example.com for its subdomains, * for any host)',
  BERTH_ALLOWED_ORIGINS: 'must be origins like https://console.example.com separated by commas, or none',
  BERTH_AUTH_FAILURE_LIMIT: 'must be an integer between 1 and 100000 (failed authentications per address per minute)',
  BERTH_AUTH_CACHE_TTL: 'must be a duration from 0s to 5m, like 5s (0 looks every credential up on every request)',
  BERTH_METRICS_REQUIRE_TOKEN: 'must be true or false',
  BERTH_OIDC_ISSUER: 'must be an https:// (or http:// on loopback) issuer URL, set together with BERTH_OIDC_AUDIENCE',
  BERTH_OIDC_AUDIENCE: 'must be the audience (client id) Berth accepts tokens for, set together with BERTH_OIDC_ISSUER',
  BERTH_OIDC_JWKS_URL: 'must be an http:// or https:// URL of the issuer JWKS',
  BERTH_OIDC_GROUPS_CLAIM: 'must be a claim name (letters, digits, _ - . : /)',
  BERTH_OIDC_CLOCK_SKEW: 'must be a duration from 0s to 10m, like 30s',
} as const;

export type VariableName = keyof typeof EXPECTATIONS;

const ABSOLUTE_DIR = /^\/[^\0]*$/;
/** A host name (`*.` prefix: its subdomains; a trailing dot allowed), an IP address (IPv6 bracketed or not), or `*`. */
export function isAllowedHost(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 255) return false;
  if (value === '*' || isIP(value.replace(/^\[(.*)\]$/, '$1')) !== 0) return true;
  return /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
    value,
  );
}

/** `scheme://host[:port]` exactly as a browser sends it in `Origin` (no path, no trailing slash). */
export function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.toLowerCase();
  } catch {
    return false;
  }
}

/** A list whose every entry passes `entry` (class-validator's decorator for it). */
const SECRET_KEY_PATTERN = /^\s*(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\s*$/;

function IsListOf(name: string, entry: (value: unknown) => boolean, message: string): PropertyDecorator {
  return ValidateBy(
    { name, validator: { validate: (value) => Array.isArray(value) && value.every(entry) } },
    { message },
  );
}

const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

/**
 * The environment variables the service itself reads, as class-validator rules. Each adapter reads its own (BERTH_LOCAL_*
 * in providers/local, BERTH_PULUMI_* in libs/pulumi); boot reports every part's problems together (app.factory.ts). Explicit transforms: no decorator metadata needed. */
export class EnvironmentVariables {
  @IsOptional()
  @IsString({ message: EXPECTATIONS.BERTH_HOST })
  @MaxLength(253, { message: EXPECTATIONS.BERTH_HOST })
  @Matches(HOST_PATTERN, { message: EXPECTATIONS.BERTH_HOST })
  @Transform(emptyAsUnset)
  BERTH_HOST?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_PORT })
  @Min(0, { message: EXPECTATIONS.BERTH_PORT })
  @Max(65535, { message: EXPECTATIONS.BERTH_PORT })
  BERTH_PORT?: number;

  @IsOptional()
  @IsString({ message: EXPECTATIONS.BERTH_DATA_DIR })
  @MinLength(1, { message: EXPECTATIONS.BERTH_DATA_DIR })
  @Matches(/^[^\0]+$/, { message: EXPECTATIONS.BERTH_DATA_DIR })
  BERTH_DATA_DIR?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.DATABASE_URL })
  @Matches(/^postgres(?:ql)?:\/\/[^\s]+$/i, { message: EXPECTATIONS.DATABASE_URL })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_MAX_BODY_BYTES })
  @Min(1024, { message: EXPECTATIONS.BERTH_MAX_BODY_BYTES })
  @Max(1024 * 1024 * 1024, { message: EXPECTATIONS.BERTH_MAX_BODY_BYTES })
  BERTH_MAX_BODY_BYTES?: number;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value !== '' ? value.trim().toLowerCase() : undefined,
  )
  @IsIn(LOG_LEVELS, { message: EXPECTATIONS.BERTH_LOG_LEVEL })
  BERTH_LOG_LEVEL?: string;

  @IsOptional()
  @Transform(strictBoolean)
  @IsBoolean({ message: EXPECTATIONS.BERTH_MIGRATE_ON_BOOT })
  BERTH_MIGRATE_ON_BOOT?: boolean;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value !== '' ? value.trim().toLowerCase() : undefined,
  )
  @IsIn(BERTH_ROLES, { message: EXPECTATIONS.BERTH_ROLE })
  BERTH_ROLE?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_WORKER_CONCURRENCY })
  @Min(1, { message: EXPECTATIONS.BERTH_WORKER_CONCURRENCY })
  @Max(256, { message: EXPECTATIONS.BERTH_WORKER_CONCURRENCY })
  BERTH_WORKER_CONCURRENCY?: number;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_DATABASE_POOL_SIZE })
  @Min(1, { message: EXPECTATIONS.BERTH_DATABASE_POOL_SIZE })
  @Max(1000, { message: EXPECTATIONS.BERTH_DATABASE_POOL_SIZE })
  BERTH_DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_LEASE_SECONDS })
  @Min(1, { message: EXPECTATIONS.BERTH_LEASE_SECONDS })
  @Max(3600, { message: EXPECTATIONS.BERTH_LEASE_SECONDS })
  BERTH_LEASE_SECONDS?: number;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.BERTH_REFRESH_INTERVAL })
  @Matches(SETTING_DURATION_PATTERN, { message: EXPECTATIONS.BERTH_REFRESH_INTERVAL })
  BERTH_REFRESH_INTERVAL?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_REFRESH_CONCURRENCY })
  @Min(1, { message: EXPECTATIONS.BERTH_REFRESH_CONCURRENCY })
  @Max(1024, { message: EXPECTATIONS.BERTH_REFRESH_CONCURRENCY })
  BERTH_REFRESH_CONCURRENCY?: number;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.BERTH_SECRET_KEY })
  @Matches(SECRET_KEY_PATTERN, { message: EXPECTATIONS.BERTH_SECRET_KEY })
  BERTH_SECRET_KEY?: string;

  @IsOptional()
  @Transform(separatedList(','))
  @IsArray({ message: EXPECTATIONS.BERTH_SECRET_KEYS })
  @ArrayNotEmpty({ message: EXPECTATIONS.BERTH_SECRET_KEYS })
  @IsListOf(
    'isSecretKeyList',
    (key) => typeof key === 'string' && SECRET_KEY_PATTERN.test(key),
    EXPECTATIONS.BERTH_SECRET_KEYS,
  )
  BERTH_SECRET_KEYS?: string[];

  @IsOptional()
  @Transform(durationMs)
  @IsInt({ message: EXPECTATIONS.BERTH_PROGRESS_WRITE_DELAY })
  @Min(0, { message: EXPECTATIONS.BERTH_PROGRESS_WRITE_DELAY })
  @Max(10_000, { message: EXPECTATIONS.BERTH_PROGRESS_WRITE_DELAY })
  BERTH_PROGRESS_WRITE_DELAY?: number;

  @IsOptional()
  @Transform(durationMs)
  @IsInt({ message: EXPECTATIONS.BERTH_REQUEST_TIMEOUT })
  @Min(1000, { message: EXPECTATIONS.BERTH_REQUEST_TIMEOUT })
  @Max(3_600_000, { message: EXPECTATIONS.BERTH_REQUEST_TIMEOUT })
  BERTH_REQUEST_TIMEOUT?: number;

  @IsOptional()
  @Transform(separatedList(':'))
  @IsArray({ message: EXPECTATIONS.BERTH_KUBECONFIG_DIRS })
  @Matches(ABSOLUTE_DIR, { each: true, message: EXPECTATIONS.BERTH_KUBECONFIG_DIRS })
  BERTH_KUBECONFIG_DIRS?: string[];

  @IsOptional()
  @Transform(separatedList(','))
  @IsArray({ message: EXPECTATIONS.BERTH_ALLOWED_HOSTS })
  @ArrayNotEmpty({ message: EXPECTATIONS.BERTH_ALLOWED_HOSTS })
  @IsListOf('isHostList', isAllowedHost, EXPECTATIONS.BERTH_ALLOWED_HOSTS)
  BERTH_ALLOWED_HOSTS?: string[];

  @IsOptional()
  @Transform(separatedList(','))
  @IsArray({ message: EXPECTATIONS.BERTH_ALLOWED_ORIGINS })
  @IsListOf('isOriginList', isOrigin, EXPECTATIONS.BERTH_ALLOWED_ORIGINS)
  BERTH_ALLOWED_ORIGINS?: string[];

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_AUTH_FAILURE_LIMIT })
  @Min(1, { message: EXPECTATIONS.BERTH_AUTH_FAILURE_LIMIT })
  @Max(100_000, { message: EXPECTATIONS.BERTH_AUTH_FAILURE_LIMIT })
  BERTH_AUTH_FAILURE_LIMIT?: number;

  @IsOptional()
  @Transform(durationMs)
  @IsInt({ message: EXPECTATIONS.BERTH_AUTH_CACHE_TTL })
  @Min(0, { message: EXPECTATIONS.BERTH_AUTH_CACHE_TTL })
  @Max(300_000, { message: EXPECTATIONS.BERTH_AUTH_CACHE_TTL })
  BERTH_AUTH_CACHE_TTL?: number;

  @IsOptional()
  @Transform(strictBoolean)
  @IsBoolean({ message: EXPECTATIONS.BERTH_METRICS_REQUIRE_TOKEN })
  BERTH_METRICS_REQUIRE_TOKEN?: boolean;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.BERTH_OIDC_ISSUER })
  @Matches(/^(?:https:\/\/[^\s]+|http:\/\/(?:127\.[0-9.]+|localhost|\[::1\])(?::\d+)?(?:\/[^\s]*)?)$/, {
    message: EXPECTATIONS.BERTH_OIDC_ISSUER,
  })
  BERTH_OIDC_ISSUER?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.BERTH_OIDC_AUDIENCE })
  @MinLength(1, { message: EXPECTATIONS.BERTH_OIDC_AUDIENCE })
  @MaxLength(500, { message: EXPECTATIONS.BERTH_OIDC_AUDIENCE })
  BERTH_OIDC_AUDIENCE?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.BERTH_OIDC_JWKS_URL })
  @Matches(/^https?:\/\/[^\s]+$/i, { message: EXPECTATIONS.BERTH_OIDC_JWKS_URL })
  BERTH_OIDC_JWKS_URL?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.BERTH_OIDC_GROUPS_CLAIM })
  @Matches(/^[A-Za-z0-9_.:/-]{1,200}$/, { message: EXPECTATIONS.BERTH_OIDC_GROUPS_CLAIM })
  BERTH_OIDC_GROUPS_CLAIM?: string;

  @IsOptional()
  @Transform(durationMs)
  @IsInt({ message: EXPECTATIONS.BERTH_OIDC_CLOCK_SKEW })
  @Min(0, { message: EXPECTATIONS.BERTH_OIDC_CLOCK_SKEW })
  @Max(600_000, { message: EXPECTATIONS.BERTH_OIDC_CLOCK_SKEW })
  BERTH_OIDC_CLOCK_SKEW?: number;
}
