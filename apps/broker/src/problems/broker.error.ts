import { CodedError, type ValidationProblem } from '@berth/core';

/** Errors raised by the HTTP layer and the broker's own services. */
export enum BrokerErrorCode {
  /** A query or path parameter is malformed → 400. */
  BadRequest = 'BadRequest',
  /** A browser request from an origin that is not allowed (BERTH_ALLOWED_ORIGINS) → 403. */
  Forbidden = 'Forbidden',
  /** Unknown environment or application → 404. */
  NotFound = 'NotFound',
  /** The `Accept` header asks for a representation we do not have → 406. */
  NotAcceptable = 'NotAcceptable',
  /** The request conflicts with the resource's state (e.g. it is being deleted) → 409. */
  Conflict = 'Conflict',
  /** `If-Match` / `If-None-Match` does not hold → 412. */
  PreconditionFailed = 'PreconditionFailed',
  /** Body over BERTH_MAX_BODY_BYTES → 413. */
  PayloadTooLarge = 'PayloadTooLarge',
  /** Body media type or encoding not accepted → 415. */
  UnsupportedMediaType = 'UnsupportedMediaType',
  /** The Host header names a host this service does not answer for (BERTH_ALLOWED_HOSTS) → 421. */
  MisdirectedRequest = 'MisdirectedRequest',
  /** A body that parsed but is invalid → 422. */
  Invalid = 'Invalid',
}

export class BrokerError extends CodedError<BrokerErrorCode> {
  constructor(
    code: BrokerErrorCode,
    message: string,
    readonly problems: ValidationProblem[] = [],
  ) {
    super(code, message);
  }

  static notFound(what: string): BrokerError {
    return new BrokerError(BrokerErrorCode.NotFound, `${what} not found`);
  }
}
