import { CodedError } from '@berth/core';

export enum AccessErrorCode {
  /** No credentials, or credentials that do not identify anyone (unknown, revoked, expired, badly signed) → 401. */
  Unauthenticated = 'Unauthenticated',
  /** A known identity without the permission the route needs → 403 (names the permission). */
  PermissionDenied = 'PermissionDenied',
  /** Too many failed authentications from one address → 429. */
  TooManyFailures = 'TooManyFailures',
}

export class AccessError extends CodedError<AccessErrorCode> {
  constructor(
    code: AccessErrorCode,
    message: string,
    /** Seconds until a throttled address may try again (429 only). */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}
