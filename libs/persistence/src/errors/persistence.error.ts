import { CodedError } from '@berth/core';

/** What went wrong in the database layer, in the service's words. */
export enum PersistenceErrorCode {
  /** A unique key already holds this value (e.g. a concurrent create of the same application). */
  Conflict = 'Conflict',
  /** A row changed between read and write (optimistic concurrency lost). */
  Stale = 'Stale',
  /** The database cannot be reached or refused the connection. */
  Unavailable = 'Unavailable',
  /** The schema is behind the code: migrations are pending and may not be run automatically. */
  MigrationsPending = 'MigrationsPending',
  /** The database URL or options cannot be used. */
  InvalidConfiguration = 'InvalidConfiguration',
}

export class PersistenceError extends CodedError<PersistenceErrorCode> {}

/** True when a driver error is a unique-key violation (SQLite and PostgreSQL spellings). */
export function isUniqueViolation(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError];
  return candidates.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  });
}

const CONNECTION_ERROR_NAMES = new Set([
  'CannotExecuteNotConnectedError',
  'ConnectionIsNotSetError',
  'ConnectionNotFoundError',
]);
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  // PostgreSQL: connection exceptions (08xxx), shutting down (57P01-57P03), too many connections (53300).
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

/** True when an error means the database cannot be used right now (not that the request was wrong). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError];
  return candidates.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    return (
      (typeof name === 'string' && CONNECTION_ERROR_NAMES.has(name)) ||
      (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) ||
      (typeof message === 'string' &&
        /database connection is not open|Connection terminated|connection is closed|Driver not Connected/i.test(
          message,
        ))
    );
  });
}
