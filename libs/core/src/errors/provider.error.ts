import { CodedError } from './coded.error';

/** What went wrong at a provider boundary, in the domain's words. Each adapter maps its SDK's errors to these. */
export enum ProviderErrorCode {
  /** The request cannot succeed as written (bad property, unsupported engine, missing setting). Not retried. */
  InvalidRequest = 'InvalidRequest',
  /** The provider's tooling or service is not usable here (e.g. the `pulumi` CLI is missing). Not retried. */
  Unavailable = 'Unavailable',
  /** Credentials missing or refused. Not retried. */
  Unauthorized = 'Unauthorized',
  /** Someone else holds the resource or its stack right now. Retried. */
  Conflict = 'Conflict',
  /** Network blips, throttling, eventual consistency. Retried. */
  Transient = 'Transient',
  /** The step ran past its deadline. Retried. */
  Timeout = 'Timeout',
  /** Quota or capacity exhausted. Not retried. */
  QuotaExceeded = 'QuotaExceeded',
  /** Anything the adapter could not classify. Retried. */
  Internal = 'Internal',
}

const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set([
  ProviderErrorCode.Conflict,
  ProviderErrorCode.Transient,
  ProviderErrorCode.Timeout,
  ProviderErrorCode.Internal,
]);

export class ProviderError extends CodedError<ProviderErrorCode> {
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  static from(error: unknown): ProviderError {
    if (error instanceof ProviderError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError(ProviderErrorCode.Internal, message, { cause: error });
  }
}
