import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { ValidationProblem } from '@berth/core';
import { isDatabaseUnavailable } from '@berth/persistence';
import type { Request, Response } from 'express';
import { mappingFor } from '../problems/error-families';
import { answeredByClientError } from './client-error';
import { drainRequestBody, hasUnreadBody } from './request-drain';
import { type Problem, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../problems/problem';

function slugOf(status: number): string {
  return (STATUS_CODES[status] ?? 'error')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function problemsOf(error: unknown): ValidationProblem[] {
  const problems = (error as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return [];
  return problems
    .filter(
      (p): p is ValidationProblem =>
        !!p && typeof p === 'object' && typeof (p as ValidationProblem).message === 'string',
    )
    .map((p) => ({ path: typeof p.path === 'string' ? p.path : '', message: p.message }));
}

/** Turns anything thrown while serving a request into an RFC 9457 problem. Unknown errors become a bare 500. */
export function toProblem(error: unknown): Problem {
  const mapping = mappingFor(error);
  if (mapping) {
    const errors = problemsOf(error);
    const message = (error as Error).message;
    return {
      type: PROBLEM_TYPE_BASE + mapping.slug,
      title: mapping.title,
      status: mapping.status,
      detail: message || (errors.length === 1 ? errors[0].message : `${errors.length} problems`),
      errors,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    return {
      type: PROBLEM_TYPE_BASE + slugOf(status),
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: Array.isArray(message) ? message.join('; ') : String(message),
      errors: [],
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      type: PROBLEM_TYPE_BASE + 'database-unavailable',
      title: 'Database unavailable',
      status: 503,
      detail: 'the database cannot be reached right now; retry later',
      errors: [],
    };
  }
  // Errors raised by Express/Node before our code runs (bad URI encoding, aborted bodies) carry a 4xx status.
  const status = Number(
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ??
      (error as { statusCode?: unknown } | null)?.statusCode,
  );
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return {
      type: PROBLEM_TYPE_BASE + slugOf(status),
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: STATUS_CODES[status] ?? 'Bad request',
      errors: [],
    };
  }
  return {
    type: PROBLEM_TYPE_BASE + 'internal-error',
    title: 'Internal Server Error',
    status: 500,
    detail: 'an unexpected error occurred; the server log has the details under this request id',
    errors: [],
  };
}

/** Sends the problem; a body the client is still sending is drained first (bounded), so the answer reaches it. */
function send(request: Request, response: Response, problem: Problem): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const write = (drained: boolean) => {
    const socket = response.socket;
    if (response.headersSent || !socket || socket.destroyed || answeredByClientError(socket)) return;
    response.status(problem.status).setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    if (problem.status === 503) response.setHeader('Retry-After', '5');
    if (!drained) response.setHeader('Connection', 'close');
    response.send(JSON.stringify(problem));
  };
  if (!request || !hasUnreadBody(request)) {
    write(true);
    return;
  }
  void drainRequestBody(request).then(write);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: unknown }>();
    const response = http.getResponse<Response & { err?: unknown }>();
    const problem = toProblem(exception);
    if (request?.id !== undefined) problem.requestId = String(request.id);
    if (problem.status >= 500) {
      // pino-http logs the request with this error attached (stack included) when the response finishes.
      response.err = exception instanceof Error ? exception : new Error(String(exception));
    }
    if (!response.headersSent) {
      if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="berth"');
      const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
      if (problem.status === 429 && typeof retryAfter === 'number')
        response.setHeader('Retry-After', String(retryAfter));
    }
    send(request, response, problem);
  }
}
