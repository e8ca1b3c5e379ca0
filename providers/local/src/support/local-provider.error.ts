import { ProviderError, ProviderErrorCode } from '@berth/core';

/**
 * Maps what the local provider's clients throw (pg, mysql2, the S3 SDK, node:net/fs) to the domain's error codes.
 * Messages never carry secret values: the clients' messages are about names and states, and we add none.
 */
export function toProviderError(error: unknown, context: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const err = error as {
    code?: unknown;
    errno?: unknown;
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const message = `${context}: ${typeof err?.message === 'string' ? err.message : String(error)}`;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const name = typeof err?.name === 'string' ? err.name : undefined;
  const options = { cause: error };

  if (name === 'AbortError' || code === 'ABORT_ERR')
    return new ProviderError(ProviderErrorCode.Timeout, `${context}: aborted`, options);
  // Network-level failures: the admin server is down or restarting.
  if (
    code &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST'].includes(code)
  ) {
    return new ProviderError(ProviderErrorCode.Transient, message, options);
  }
  if (code === 'EADDRINUSE') return new ProviderError(ProviderErrorCode.Conflict, message, options);
  if (code === 'EACCES' || code === 'EPERM') return new ProviderError(ProviderErrorCode.Unauthorized, message, options);
  if (code === 'ENOSPC') return new ProviderError(ProviderErrorCode.QuotaExceeded, message, options);
  // PostgreSQL SQLSTATE classes.
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('28') || code === '42501')
      return new ProviderError(ProviderErrorCode.Unauthorized, message, options);
    if (code.startsWith('08') || code === '57P01' || code === '57P03' || code === '53300') {
      return new ProviderError(ProviderErrorCode.Transient, message, options);
    }
    if (code === '55006' || code === '40001' || code === '40P01' || code === '55P03')
      return new ProviderError(ProviderErrorCode.Conflict, message, options);
    if (code.startsWith('42') || code.startsWith('22'))
      return new ProviderError(ProviderErrorCode.InvalidRequest, message, options);
  }
  // MySQL / MariaDB error codes (mysql2 exposes the symbolic name in `code`).
  if (
    code === 'ER_ACCESS_DENIED_ERROR' ||
    code === 'ER_DBACCESS_DENIED_ERROR' ||
    code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR'
  ) {
    return new ProviderError(ProviderErrorCode.Unauthorized, message, options);
  }
  if (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT')
    return new ProviderError(ProviderErrorCode.Conflict, message, options);
  if (code === 'ER_CON_COUNT_ERROR') return new ProviderError(ProviderErrorCode.Transient, message, options);
  if (
    code &&
    code.startsWith('ER_') &&
    (code.includes('SYNTAX') || code.includes('WRONG') || code.includes('TOO_LONG'))
  ) {
    return new ProviderError(ProviderErrorCode.InvalidRequest, message, options);
  }
  // AWS SDK (S3) errors.
  if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new ProviderError(ProviderErrorCode.Unauthorized, message, options);
  }
  if (name === 'BucketAlreadyExists') return new ProviderError(ProviderErrorCode.Conflict, message, options);
  if (name === 'InvalidBucketName') return new ProviderError(ProviderErrorCode.InvalidRequest, message, options);
  const status = err?.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500))
    return new ProviderError(ProviderErrorCode.Transient, message, options);
  return new ProviderError(ProviderErrorCode.Internal, message, options);
}

export function invalid(message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, message);
}

/** Throws a Timeout ProviderError when the request was aborted (cancellation or the step's deadline). */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new ProviderError(ProviderErrorCode.Timeout, `${what}: aborted before completion`);
}
