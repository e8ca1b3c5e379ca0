import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column shapes shared by migrations, matching libs/persistence's portable column types so that the schema a
 * migration creates is exactly what the entities describe, on SQLite and on PostgreSQL.
 */

export function idColumn(name: string): TableColumnOptions {
  return { name, type: 'varchar', length: '36' };
}

export function nameColumn(name: string): TableColumnOptions {
  return { name, type: 'varchar', length: '63' };
}

/** `simple-json` entity columns are text on every driver. */
export function jsonColumn(name: string): TableColumnOptions {
  return { name, type: 'text' };
}

/** The driver's own type for a JavaScript `Date` (`datetime` on SQLite, `timestamp` on PostgreSQL). */
export function timestampColumn(queryRunner: QueryRunner, name: string): TableColumnOptions {
  return { name, type: queryRunner.connection.driver.normalizeType({ type: Date }) };
}

/** Epoch milliseconds (the entities' EPOCH_MS_COLUMN). */
export function epochMsColumn(name: string): TableColumnOptions {
  return { name, type: 'bigint' };
}
