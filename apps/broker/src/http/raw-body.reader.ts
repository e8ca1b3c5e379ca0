import type { Request } from 'express';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';

export interface RawBody {
  /** The media type without parameters, lower-cased (e.g. `application/yaml`). */
  mediaType: string;
  /** The full Content-Type header as sent. */
  contentType: string;
  body: Buffer;
  /** The body decoded as UTF-8 (a body that is not valid UTF-8 is refused). */
  text: string;
}

export interface ReadBodyOptions {
  maxBytes: number;
  accept: readonly string[];
}

/** `application/yaml; charset=utf-8` → `{ mediaType: 'application/yaml', charset: 'utf-8' }`. */
export function parseContentType(header: string | undefined): { mediaType: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [type, ...parameters] = header.split(';');
  const mediaType = type.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mediaType)) return undefined;
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [key, value] = parameter.split('=');
    if (key?.trim().toLowerCase() === 'charset' && value !== undefined) {
      charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    }
  }
  return { mediaType, charset };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body ourselves (Nest's JSON/urlencoded parsers are off): media type checked before a byte is read
 * (415), the size capped while streaming (413, also up front from Content-Length), compressed bodies refused (415, so
 * the cap always applies to what is parsed), text required to be UTF-8 without NUL characters (422). What is left
 * of a refused body is drained by the ProblemFilter before it answers (see request-drain.ts).
 */
export async function readRawBody(request: Request, options: ReadBodyOptions): Promise<RawBody> {
  const contentType = request.headers['content-type'];
  const parsed = parseContentType(contentType);
  const accepted = options.accept.join(', ');
  if (!parsed || !options.accept.includes(parsed.mediaType)) {
    throw new BrokerError(
      BrokerErrorCode.UnsupportedMediaType,
      `Content-Type ${contentType ? JSON.stringify(contentType.slice(0, 100)) : '(none)'} is not supported; send one of ${accepted}`,
    );
  }
  if (parsed.charset && !['utf-8', 'utf8', 'us-ascii'].includes(parsed.charset)) {
    throw new BrokerError(
      BrokerErrorCode.UnsupportedMediaType,
      `charset ${JSON.stringify(parsed.charset)} is not supported; send UTF-8`,
    );
  }
  const encoding = (request.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new BrokerError(
      BrokerErrorCode.UnsupportedMediaType,
      `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported`,
    );
  }
  const tooLarge = () =>
    new BrokerError(
      BrokerErrorCode.PayloadTooLarge,
      `the body is larger than the limit of ${options.maxBytes} bytes (BERTH_MAX_BODY_BYTES)`,
    );
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    throw tooLarge();
  }

  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      // The rest of a refused body waits, paused, for the problem filter to drain it (bounded) before it answers.
      if (error) request.pause();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) {
        finish(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new BrokerError(BrokerErrorCode.BadRequest, 'the request body could not be read'));
    const onAborted = () => finish(new BrokerError(BrokerErrorCode.BadRequest, 'the request was aborted'));
    request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });

  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BrokerError(BrokerErrorCode.Invalid, 'the body is not valid UTF-8 text', [
      { path: '', message: 'not valid UTF-8' },
    ]);
  }
  if (text.includes('\u0000')) {
    throw new BrokerError(BrokerErrorCode.Invalid, 'the body contains NUL characters', [
      { path: '', message: 'contains NUL characters' },
    ]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { mediaType: parsed.mediaType, contentType: contentType!, body, text };
}
