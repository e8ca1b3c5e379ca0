import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '@berth/migrations';
import { ENTITIES } from '../entities';
import { PersistenceError, PersistenceErrorCode } from '../errors/persistence.error';
import { serializeTransactions } from './serial-transactions';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DataSourceFactoryOptions {
  /** `postgres://…` / `postgresql://…` for PostgreSQL; absent for the embedded SQLite file under `dataDir`. */
  databaseUrl?: string;
  /** Directory holding `berth.sqlite` in embedded mode. */
  dataDir: string;
  /** PostgreSQL only: the schema to use (set as `search_path`); must exist. Tests use a fresh one per run. */
  schema?: string;
  /** PostgreSQL only: the most connections the pool opens (pg's default is 10). */
  poolSize?: number;
  /** Milliseconds SQLite waits on a locked database before failing. */
  busyTimeoutMs?: number;
  /** Creates the schema from the entities. Only for unit tests; the service always migrates. */
  synchronize?: boolean;
  migrations?: Array<new () => MigrationInterface>;
  logging?: boolean;
}

export function databaseKind(databaseUrl: string | undefined): DatabaseKind {
  if (!databaseUrl) return 'sqlite';
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return 'postgres';
  throw new PersistenceError(
    PersistenceErrorCode.InvalidConfiguration,
    'DATABASE_URL must start with postgres:// or postgresql:// (or be unset for the embedded SQLite database)',
  );
}

export function sqliteFile(dataDir: string): string {
  return join(resolve(dataDir), 'berth.sqlite');
}

/** Builds (does not initialize) the DataSource for the configured database. */
export function createDataSource(options: DataSourceFactoryOptions): DataSource {
  const common = {
    entities: ENTITIES,
    migrations: options.migrations ?? MIGRATIONS,
    migrationsTableName: 'berth_migrations',
    synchronize: options.synchronize ?? false,
    logging: options.logging ?? false,
  } as const;

  let dataSourceOptions: DataSourceOptions;
  if (databaseKind(options.databaseUrl) === 'postgres') {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new PersistenceError(PersistenceErrorCode.InvalidConfiguration, `invalid schema name "${schema}"`);
    }
    dataSourceOptions = {
      ...common,
      type: 'postgres',
      url: options.databaseUrl,
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      ...(schema ? { schema, extra: { options: `-c search_path=${schema}` } } : {}),
    };
  } else {
    mkdirSync(resolve(options.dataDir), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    dataSourceOptions = {
      ...common,
      type: 'better-sqlite3',
      database: sqliteFile(options.dataDir),
      enableWAL: true,
      timeout: busyTimeoutMs,
      // Prepared statements kept per SQL text (first in, first out). The service runs a few hundred distinct
      // statements; TypeORM's default of 100 made the hot ones cycle out and be prepared again and again.
      statementCacheSize: 1000,
      prepareDatabase: (db: SqliteDatabase) => {
        db.pragma('foreign_keys = ON');
        // In WAL mode NORMAL never corrupts the database; it syncs at checkpoints instead of at every commit.
        db.pragma('synchronous = NORMAL');
        db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
      },
    };
  }
  const dataSource = new DataSource(dataSourceOptions);
  if (dataSourceOptions.type === 'better-sqlite3') serializeTransactions(dataSource);
  return dataSource;
}

/** The SQL statements TypeORM would run to make the database match the entities (empty when in sync). */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

export type MigrationPolicy = 'run' | 'refuse-if-pending';

/**
 * Brings the schema up to date at boot: runs pending migrations (`run`), or refuses to continue with a clear message
 * when some are pending (`refuse-if-pending`, the default for a shared PostgreSQL).
 */
export async function prepareSchema(dataSource: DataSource, policy: MigrationPolicy): Promise<string[]> {
  if (policy === 'run') {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((migration) => migration.name);
  }
  if (await dataSource.showMigrations()) {
    const executed = new Set(
      (await dataSource.query(`SELECT name FROM berth_migrations`).catch(() => [])).map(
        (row: { name: string }) => row.name,
      ),
    );
    const pending = dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !executed.has(n));
    throw new PersistenceError(
      PersistenceErrorCode.MigrationsPending,
      `database schema is out of date: ${pending.length} migration(s) pending (${pending.join(', ')}); ` +
        'run `npm run migrate` first, or set BERTH_MIGRATE_ON_BOOT=true',
    );
  }
  return [];
}
