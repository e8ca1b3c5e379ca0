import { CodedError } from '@berth/core';

/** Errors of the lifecycle module (operations, retries, workload environments). */
export enum LifecycleErrorCode {
  /** Unknown operation, or a component without a delivered environment → 404. */
  NotFound = 'NotFound',
  /** Nothing to retry, or the application is busy in a way the request cannot change → 409. */
  Conflict = 'Conflict',
  /** The worker lost its lease on an operation (another worker took it over); internal. */
  LeaseLost = 'LeaseLost',
  /** A sealed secret cannot be opened (a key missing from BERTH_SECRET_KEYS) → 500. */
  SecretUnavailable = 'SecretUnavailable',
}

export class LifecycleError extends CodedError<LifecycleErrorCode> {}
