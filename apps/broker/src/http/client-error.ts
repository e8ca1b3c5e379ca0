import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Problem, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../problems/problem';

/** How long a connection answered here stays open to let the client read the answer before it is closed. */
const LINGER_MS = 2_000;

interface ParserError extends Error {
  code?: string;
  /** llhttp's own words for a parse error (Node's `Parse Error: <reason>`); read, never echoed. */
  reason?: string;
}

/** What Node's HTTP parser (llhttp) and server found wrong, as a status and words for the client. */
export function describeClientError(error: ParserError): { status: number; slug: string; detail: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        slug: 'request-timeout',
        detail: 'the request was not received completely in time (BERTH_REQUEST_TIMEOUT)',
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, slug: 'request-header-fields-too-large', detail: 'the request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, slug: 'payload-too-large', detail: 'the chunk extensions of the body are too large' };
    case 'HPE_INVALID_CHUNK_SIZE':
      return { status: 400, slug: 'malformed-request', detail: 'the chunked body has an invalid chunk size' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return {
        status: 400,
        slug: 'malformed-request',
        detail: 'Content-Length and Transfer-Encoding: chunked may not be sent together',
      };
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, slug: 'malformed-request', detail: 'the Content-Length header is not valid' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return /Content-Length/i.test(error.reason ?? '')
        ? {
            status: 400,
            slug: 'malformed-request',
            detail: 'Content-Length and Transfer-Encoding: chunked may not be sent together',
          }
        : { status: 400, slug: 'malformed-request', detail: 'the Transfer-Encoding header is not valid' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, slug: 'malformed-request', detail: 'the request method is not valid' };
    case 'HPE_INVALID_URL':
      return { status: 400, slug: 'malformed-request', detail: 'the request target is not a valid URL' };
    case 'HPE_INVALID_VERSION':
      return { status: 400, slug: 'malformed-request', detail: 'the HTTP version is not valid (HTTP/1.1 expected)' };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return { status: 400, slug: 'malformed-request', detail: 'a request header is malformed' };
    default:
      return { status: 400, slug: 'malformed-request', detail: 'the request is not valid HTTP/1.1' };
  }
}

const answered = new WeakSet<Duplex>();

/** True once `answerClientError` has written its answer on this connection (nothing else may be written there). */
export function answeredByClientError(socket: Duplex | null | undefined): boolean {
  return !!socket && answered.has(socket);
}

/**
 * The http server's `clientError` handler: instead of Node's bare `400 Bad Request`, an application/problem+json
 * answer naming what is wrong with the framing (or 408 when the request timeout ran out), then the connection closes
 * after a short linger, reading and discarding what the client still sends, so that closing does not reset the
 * connection before the client has read the answer.
 */
export function answerClientError(error: ParserError, socket: Duplex): void {
  if (answered.has(socket)) return; // the parser reports once per chunk it cannot take; one answer is enough
  // Node's own rule: answer only when nothing of a response has been written on this connection yet.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const { status, slug, detail } = describeClientError(error);
  const problem: Problem = {
    type: PROBLEM_TYPE_BASE + slug,
    title: STATUS_CODES[status] ?? 'Bad Request',
    status,
    detail,
    errors: [],
  };
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.on('data', () => undefined);
  socket.resume();
}
