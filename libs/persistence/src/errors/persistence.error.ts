import { CodedError } from '@berth/core';
import { DatabaseError as PgDatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

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

/** Socket-level failures of reaching the database server (Node's error codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL SQLSTATEs that mean the server cannot serve us now, whenever they come: connection exceptions (class
 * 08), shutdown and recovery (57P01-57P05), resources exhausted (class 53: too many connections, disk full, out of
 * memory), system and I/O errors (class 58), and a read-only standby after a failover (25006). Authentication
 * (28000, 28P01) and a missing database (3D000) only come at connect.
 */
function unavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    /^57P0[1-5]$/.test(code) ||
    code.startsWith('53') ||
    code.startsWith('58') ||
    code === '25006' ||
    code === '28000' ||
    code === '28P01' ||
    code === '3D000'
  );
}

/** SQLite result codes (better-sqlite3 gives extended ones, e.g. SQLITE_IOERR_WRITE) of a file that cannot serve now. */
const SQLITE_UNAVAILABLE = /^SQLITE_(?:BUSY|LOCKED|CANTOPEN|IOERR|FULL|PROTOCOL)(?:_|$)/;

/**
 * The clients' own failures carry no code, only these words (pg: a dropped socket, the connect timeout, a client
 * that broke earlier; TypeORM: no driver; better-sqlite3: a closed handle); they are the libraries' texts, not the
 * server's.
 */
const CLIENT_MESSAGES =
  /^(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Driver not Connected|The database connection is not open)/;

/** The error and what it wraps (TypeORM's driverError, `cause`), outermost first. */
function chain(error: unknown): object[] {
  const found: object[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && found.length < 5 && !found.includes(current)) {
    found.push(current);
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return found;
}

/**
 * True when an error means the database cannot be used right now (not that the request was wrong), told by codes:
 * TypeORM's not-connected errors, Node's socket codes, the SQLSTATEs above, SQLite's busy/locked/I/O codes, and any
 * server error raised while connecting. TypeORM wraps every failed *query* in a QueryFailedError; a PostgreSQL error
 * that reaches us unwrapped was raised by the server while opening the connection (database not accepting
 * connections 55000, no CONNECT privilege 42501, authentication 28P01, …), and a database that refuses connections is
 * unavailable whatever the reason.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const links = chain(error);
  return links.some((e, index) => {
    if (e instanceof PgDatabaseError && !(links[index - 1] instanceof QueryFailedError)) return true;
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    if (typeof name === 'string' && CONNECTION_ERROR_NAMES.has(name)) return true;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SQLITE_UNAVAILABLE.test(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code)) return true;
    }
    return typeof message === 'string' && !(typeof code === 'string') && CLIENT_MESSAGES.test(message);
  });
}
