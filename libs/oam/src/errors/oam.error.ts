import { CodedError, type ValidationProblem } from '@berth/core';

/** What went wrong with a submitted Application document; the API maps each code to an HTTP status. */
export enum OamErrorCode {
  /** Body larger than the limit → HTTP 413. */
  PayloadTooLarge = 'PayloadTooLarge',
  /** Content type neither YAML nor JSON → HTTP 415. */
  UnsupportedMediaType = 'UnsupportedMediaType',
  /** Not parseable: syntax error, several documents, alias/depth limits → HTTP 422 (400 is fine too) with problems. */
  Malformed = 'Malformed',
  /** Parsed but invalid → HTTP 422 with every problem. */
  Invalid = 'Invalid',
}

export class OamError extends CodedError<OamErrorCode> {
  constructor(
    code: OamErrorCode,
    message: string,
    readonly problems: ValidationProblem[] = [],
  ) {
    super(code, message);
  }
}
