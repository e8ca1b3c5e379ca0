import type { DatabaseKind } from '@berth/persistence';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The service's configuration after validation and defaults. */
export interface BerthConfig {
  host: string;
  port: number;
  /** Absolute path of the data directory (SQLite file, later Pulumi state and work dirs). */
  dataDir: string;
  /** Set for PostgreSQL; undefined for the embedded SQLite database in the data dir. */
  databaseUrl?: string;
  databaseKind: DatabaseKind;
  /** PostgreSQL only: schema to use instead of the URL's default (tests use a fresh one). */
  databaseSchema?: string;
  maxBodyBytes: number;
  logLevel: LogLevel;
  /** Run pending migrations at boot even on PostgreSQL (always done on SQLite). */
  migrateOnBoot: boolean;
}

export const BERTH_CONFIG = Symbol('BERTH_CONFIG');
