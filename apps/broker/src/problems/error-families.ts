import { ProviderError, ProviderErrorCode } from '@berth/core';
import { OamError, OamErrorCode } from '@berth/oam';
import { PersistenceError, PersistenceErrorCode } from '@berth/persistence';
import { BrokerError, BrokerErrorCode } from './broker.error';
import { AccessError, AccessErrorCode } from '../access/access.error';
import { LifecycleError, LifecycleErrorCode } from './lifecycle.error';

/** How one code of an error family looks over HTTP. `slug` names the problem type (`https://berth.dev/problems/<slug>`). */
export interface ProblemMapping {
  status: number;
  title: string;
  slug: string;
}

/** An error class with a code enum, and the HTTP problem for each code. */
export interface ErrorFamily<C extends string = string> {
  errorClass: abstract new (...args: never[]) => Error & { code: C };
  mappings: Record<C, ProblemMapping>;
}

function family<C extends string>(
  errorClass: abstract new (...args: never[]) => Error & { code: C },
  mappings: Record<C, ProblemMapping>,
): ErrorFamily {
  return { errorClass, mappings } as unknown as ErrorFamily;
}

const invalidApplication: ProblemMapping = { status: 422, title: 'Invalid application', slug: 'invalid-application' };

/**
 * Every module's error family and its HTTP mapping. The ProblemFilter consults this list; a new module (operations,
 * secrets, ...) adds one entry for its error class. An exhaustive Record per family means a new code without a
 * mapping does not compile.
 */
export const ERROR_FAMILIES: ErrorFamily[] = [
  family<BrokerErrorCode>(BrokerError, {
    [BrokerErrorCode.BadRequest]: { status: 400, title: 'Bad request', slug: 'bad-request' },
    [BrokerErrorCode.Forbidden]: { status: 403, title: 'Cross-origin request refused', slug: 'origin-not-allowed' },
    [BrokerErrorCode.NotFound]: { status: 404, title: 'Not found', slug: 'not-found' },
    [BrokerErrorCode.NotAcceptable]: { status: 406, title: 'Not acceptable', slug: 'not-acceptable' },
    [BrokerErrorCode.Conflict]: { status: 409, title: 'Conflict', slug: 'conflict' },
    [BrokerErrorCode.PreconditionFailed]: { status: 412, title: 'Precondition failed', slug: 'precondition-failed' },
    [BrokerErrorCode.PayloadTooLarge]: { status: 413, title: 'Payload too large', slug: 'payload-too-large' },
    [BrokerErrorCode.UnsupportedMediaType]: {
      status: 415,
      title: 'Unsupported media type',
      slug: 'unsupported-media-type',
    },
    [BrokerErrorCode.MisdirectedRequest]: { status: 421, title: 'Host not served', slug: 'host-not-allowed' },
    [BrokerErrorCode.Invalid]: { status: 422, title: 'Invalid request body', slug: 'invalid-body' },
  }),
  family<OamErrorCode>(OamError, {
    [OamErrorCode.PayloadTooLarge]: { status: 413, title: 'Payload too large', slug: 'payload-too-large' },
    [OamErrorCode.UnsupportedMediaType]: {
      status: 415,
      title: 'Unsupported media type',
      slug: 'unsupported-media-type',
    },
    [OamErrorCode.Malformed]: { status: 422, title: 'Malformed document', slug: 'malformed-document' },
    [OamErrorCode.Invalid]: invalidApplication,
  }),
  family<PersistenceErrorCode>(PersistenceError, {
    [PersistenceErrorCode.Conflict]: { status: 409, title: 'Conflict', slug: 'conflict' },
    [PersistenceErrorCode.Stale]: { status: 409, title: 'Concurrent modification', slug: 'concurrent-modification' },
    [PersistenceErrorCode.Unavailable]: { status: 503, title: 'Database unavailable', slug: 'database-unavailable' },
    [PersistenceErrorCode.MigrationsPending]: {
      status: 503,
      title: 'Database not migrated',
      slug: 'migrations-pending',
    },
    [PersistenceErrorCode.InvalidConfiguration]: {
      status: 500,
      title: 'Database misconfigured',
      slug: 'database-misconfigured',
    },
  }),
  family<ProviderErrorCode>(ProviderError, {
    [ProviderErrorCode.InvalidRequest]: {
      status: 422,
      title: 'Rejected by the provider',
      slug: 'provider-invalid-request',
    },
    [ProviderErrorCode.Unavailable]: { status: 503, title: 'Provider unavailable', slug: 'provider-unavailable' },
    [ProviderErrorCode.Unauthorized]: {
      status: 502,
      title: 'Provider refused the credentials',
      slug: 'provider-unauthorized',
    },
    [ProviderErrorCode.Conflict]: { status: 409, title: 'Provider conflict', slug: 'provider-conflict' },
    [ProviderErrorCode.Transient]: { status: 503, title: 'Provider temporarily failing', slug: 'provider-transient' },
    [ProviderErrorCode.Timeout]: { status: 504, title: 'Provider timed out', slug: 'provider-timeout' },
    [ProviderErrorCode.QuotaExceeded]: {
      status: 429,
      title: 'Provider quota exceeded',
      slug: 'provider-quota-exceeded',
    },
    [ProviderErrorCode.Internal]: { status: 502, title: 'Provider error', slug: 'provider-internal' },
  }),
  family<LifecycleErrorCode>(LifecycleError, {
    [LifecycleErrorCode.NotFound]: { status: 404, title: 'Not found', slug: 'not-found' },
    [LifecycleErrorCode.Conflict]: { status: 409, title: 'Conflict', slug: 'conflict' },
    [LifecycleErrorCode.LeaseLost]: { status: 409, title: 'Operation taken over', slug: 'lease-lost' },
    [LifecycleErrorCode.SecretUnavailable]: { status: 500, title: 'Secret unavailable', slug: 'secret-unavailable' },
  }),
  family<AccessErrorCode>(AccessError, {
    [AccessErrorCode.Unauthenticated]: { status: 401, title: 'Unauthenticated', slug: 'unauthenticated' },
    [AccessErrorCode.PermissionDenied]: { status: 403, title: 'Permission denied', slug: 'permission-denied' },
    [AccessErrorCode.TooManyFailures]: {
      status: 429,
      title: 'Too many failed authentications',
      slug: 'too-many-failed-authentications',
    },
  }),
];

export function mappingFor(error: unknown): ProblemMapping | undefined {
  for (const entry of ERROR_FAMILIES) {
    if (error instanceof entry.errorClass) return entry.mappings[error.code];
  }
  return undefined;
}
