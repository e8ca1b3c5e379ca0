import type { SettingsEnvironment } from '@berth/core';

/**
 * How the local provider is constructed. The service passes its data dir and its environment variables: the provider
 * reads its BERTH_LOCAL_* settings from them itself (settings/local-provider.settings.ts); an option given here wins.
 */
export interface LocalProviderOptions {
  /** Root of everything the provider keeps: state under `<dataDir>/local/`. */
  dataDir: string;
  /** Environment variables to read BERTH_LOCAL_* from (validateSettings() reports a bad one); none when absent. */
  env?: SettingsEnvironment;
  /** Admin URL of an existing PostgreSQL server (BERTH_LOCAL_POSTGRES_URL). Without it rds/postgresql goes to the embedded PostgreSQL cluster. */
  postgresAdminUrl?: string;
  /** Admin URL of an existing MySQL/MariaDB server (BERTH_LOCAL_MYSQL_URL). Without it rds/mysql is refused. */
  mysqlAdminUrl?: string;
  /**
   * Admin URL of an existing Redis 6.2+ server (BERTH_LOCAL_REDIS_URL), e.g. `redis://default:PASSWORD@127.0.0.1:6379`.
   * Without it redis goes to a redis-server the provider starts itself when one is on PATH; without either, refused.
   */
  redisUrl?: string;
  /** Where `redis-server` is looked for when there is no redisUrl (default: PATH). */
  redisSearchPath?: string;
  /**
   * An existing S3-compatible server (BERTH_LOCAL_S3_URL), e.g. `http://KEY:SECRET@127.0.0.1:9000` (credentials in the
   * URL) or with `s3AccessKeyId`/`s3SecretAccessKey`. Without it oss uses the embedded S3 endpoint.
   */
  s3Url?: string;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  /** Region reported as OSS_REGION and used to sign S3 requests (default `local`). */
  s3Region?: string;
  /** Default address pool for vpc when the profile sets none (default 10.0.0.0/8, /22 per VPC: 16,384 networks). */
  ipPool?: string;
  ipPoolPrefix?: number;
  /** Interval of the SLB's active TCP health check (default 1000 ms). */
  slbHealthCheckIntervalMs?: number;
  /** Host the embedded servers bind to and publish (default 127.0.0.1). */
  host?: string;
}

export const DEFAULT_IP_POOL = '10.0.0.0/8';
/** 10.0.0.0/8 in /22s: 16,384 networks of 1,024 addresses (four /24 vSwitches each). */
export const DEFAULT_IP_POOL_PREFIX = 22;
