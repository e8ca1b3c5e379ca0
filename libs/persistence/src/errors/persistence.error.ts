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

export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when a driver error is a unique-key violation (SQLite and PostgreSQL spellings). */
export function isUniqueViolation(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError];
  return candidates.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  });
}
