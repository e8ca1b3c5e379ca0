import { STATUS_CODES } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem';
import { ProblemView } from './problem.view';

/** The error answers any route can give, whatever it does: declared once here rather than on every handler. */
export const COMMON_PROBLEMS: Readonly<Record<number, string>> = {
  400: 'A malformed or unknown query parameter (the problem names it)',
  403: 'A cross-origin request from an origin that BERTH_ALLOWED_ORIGINS does not list',
  408: 'The request (headers and body) did not arrive within BERTH_REQUEST_TIMEOUT',
  421: 'The Host header names a host this service does not answer for (BERTH_ALLOWED_HOSTS)',
  500: 'An unexpected error; the server log has the details under the request id',
};

/** What a route that reads or writes the database can also answer. */
export const DATABASE_PROBLEMS: Readonly<Record<number, string>> = {
  503: 'The database (or a provider) cannot be reached right now; retry after `Retry-After` seconds',
};

/** What a mutation can also answer: its body is held to the media types the route declares (none: no body). */
export const BODY_PROBLEMS: Readonly<Record<number, string>> = {
  413: 'The body is larger than BERTH_MAX_BODY_BYTES',
  415: 'A body of a media type the route does not take, or a body on a route that takes none',
};

/** What a route that needs credentials can also answer (every route but the public ones). */
export const ACCESS_PROBLEMS: Readonly<Record<number, string>> = {
  401: 'No credentials, or a token that is unknown, revoked or expired, or a JWT that does not verify',
  403: 'The identity lacks the permission `x-berth-permission` in this environment (the problem names it), or a cross-origin request from an origin that BERTH_ALLOWED_ORIGINS does not list',
  429: 'Too many failed authentications from this address; retry after `Retry-After` seconds',
};

const MUTATIONS = new Set(['put', 'post', 'patch', 'delete']);

/** Routes that never touch the database (their answers come from memory), so they cannot answer its 503. */
const WITHOUT_DATABASE = [/^\/healthz$/, /^\/readyz$/, /^\/v1\/definitions(\/|$)/];

/**
 * Answers that are not problems although their status is an error: `/readyz` says "not ready" with its own body.
 * Keyed by `METHOD path`.
 */
const OWN_ERROR_BODIES = new Set(['GET /readyz 503']);

const problemContent = () => ({
  [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${ProblemView.name}` } },
});

function isError(status: string): boolean {
  return /^[45]\d\d$/.test(status);
}

/**
 * Completes the error responses of every operation: the common ones (and the database's where the route uses it)
 * are added where the handler did not declare them, and every error response the handlers declared with a bare
 * description (`@ApiNotFoundResponse({ description })`) gets the problem+json schema, which is what the ProblemFilter
 * answers for every error. A handler's own description wins over the common one.
 */
export function addProblemResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, OperationObject][]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const common = {
        ...COMMON_PROBLEMS,
        ...(WITHOUT_DATABASE.some((pattern) => pattern.test(path)) ? {} : DATABASE_PROBLEMS),
        ...(MUTATIONS.has(method) ? BODY_PROBLEMS : {}),
        ...((operation as unknown as Record<string, unknown>)['x-berth-public'] ? {} : ACCESS_PROBLEMS),
      };
      for (const [status, description] of Object.entries(common)) {
        operation.responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!isError(status) || OWN_ERROR_BODIES.has(`${method.toUpperCase()} ${path} ${status}`)) continue;
        const declared = response as ResponseObject;
        declared.description ||= STATUS_CODES[Number(status)] ?? 'Error';
        declared.content = problemContent();
      }
    }
  }
}
