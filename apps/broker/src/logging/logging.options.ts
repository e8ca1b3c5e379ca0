import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { BerthConfig } from '../config/berth-config';
import { redactDeep } from './redact';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Honours a sane incoming X-Request-Id (else makes one) and echoes it on the response. */
export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/**
 * The level of a request's log line: a server failure (5xx, or an error thrown) is an error; a client's mistake (4xx:
 * an unknown application, a bad document) is the client's, not a warning about the service, so it is info like any
 * other answered request.
 */
export function requestLogLevel(_request: IncomingMessage, response: ServerResponse, error?: Error): 'error' | 'info' {
  return error || response.statusCode >= 500 ? 'error' : 'info';
}

/** Structured JSON logs: one line per request with its id, secrets masked by key and by value. */
export function loggingOptions(config: Pick<BerthConfig, 'logLevel'>): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: requestId,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["proxy-authorization"]',
          'res.headers["set-cookie"]',
        ],
        censor: '<redacted>',
      },
      formatters: { log: (record) => redactDeep(record) as Record<string, unknown> },
      customLogLevel: requestLogLevel,
      autoLogging: { ignore: (request) => request.url === '/healthz' || request.url === '/metrics' },
      serializers: {
        req: (request: { id: unknown; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: request.url,
        }),
      },
    },
  };
}
