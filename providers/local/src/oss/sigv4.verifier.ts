import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What the embedded endpoint needs to know about a signed request. */
export interface SignedRequest {
  accessKeyId: string;
  verify(secretAccessKey: string): boolean;
}

/** An S3 error answer: HTTP status, S3 error code and message as Amazon S3 words them. */
export interface S3Refusal {
  status: number;
  code: string;
  message: string;
  /** Extra elements of the XML error body (S3 adds them for expired or skewed requests). */
  details?: Record<string, string>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3 refuses a header-signed request whose time is further than this from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** The longest validity a presigned URL may ask for (X-Amz-Expires): 7 days. */
export const MAX_PRESIGNED_EXPIRY_SECONDS = 604_800;

/**
 * Parses an AWS Signature Version 4 request (Authorization header or presigned query) and checks what S3 checks before
 * the signature: the x-amz-content-sha256 header (400 InvalidRequest when missing), the request time (403
 * RequestTimeTooSkewed beyond 15 minutes), a presigned URL's X-Amz-Expires (400 AuthorizationQueryParametersError when
 * missing or over a week, 403 AccessDenied "Request has expired" once past). Then `verify` checks the signature.
 * s3rver's own check rebuilds the canonical URI from its route parameters and so rejects bucket-level requests that the
 * current AWS SDK signs with a trailing slash; this verifier signs the path exactly as sent, as S3 does. Signature V2 is
 * not accepted. The payload hash is taken from x-amz-content-sha256 as signed, not recomputed.
 * undefined: not a Signature V4 request at all (anonymous, or V2).
 */
export function parseSigV4(req: IncomingMessage, now = Date.now()): SignedRequest | S3Refusal | undefined {
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  const params = parseQuery(rawQuery);
  const auth = req.headers.authorization;

  let credential: string;
  let signedHeaders: string;
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let queryForSigning = params;
  let expiresSeconds: number | undefined;
  if (auth) {
    if (!auth.startsWith(`${ALGORITHM} `)) return undefined;
    const fields = Object.fromEntries(
      auth
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((part) => part.trim().split('=') as [string, string]),
    );
    credential = fields.Credential;
    signedHeaders = fields.SignedHeaders;
    signature = fields.Signature;
    amzDate = header(req, 'x-amz-date') ?? '';
    const contentHash = header(req, 'x-amz-content-sha256');
    if (contentHash === undefined)
      return {
        status: 400,
        code: 'InvalidRequest',
        message: 'Missing required header for this request: x-amz-content-sha256',
      };
    payloadHash = contentHash;
  } else {
    const get = (name: string) => params.find(([k]) => k === name)?.[1];
    if (get('X-Amz-Algorithm') !== ALGORITHM) return undefined;
    credential = get('X-Amz-Credential') ?? '';
    signedHeaders = get('X-Amz-SignedHeaders') ?? '';
    signature = get('X-Amz-Signature') ?? '';
    amzDate = get('X-Amz-Date') ?? '';
    payloadHash = 'UNSIGNED-PAYLOAD';
    queryForSigning = params.filter(([k]) => k !== 'X-Amz-Signature');
    const expires = get('X-Amz-Expires');
    if (!credential || !signedHeaders || !signature || !amzDate || expires === undefined)
      return {
        status: 400,
        code: 'AuthorizationQueryParametersError',
        message:
          'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      };
    if (!/^\d+$/.test(expires))
      return { status: 400, code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires should be a number' };
    expiresSeconds = Number(expires);
    if (expiresSeconds > MAX_PRESIGNED_EXPIRY_SECONDS)
      return {
        status: 400,
        code: 'AuthorizationQueryParametersError',
        message: `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRY_SECONDS}`,
      };
  }
  if (!credential || !signedHeaders || !signature) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined)
    return {
      status: 403,
      code: 'AccessDenied',
      message: 'AWS authentication requires a valid Date or x-amz-date header',
    };
  const requestTime = { RequestTime: amzDate, ServerTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  if (expiresSeconds === undefined) {
    if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS)
      return {
        status: 403,
        code: 'RequestTimeTooSkewed',
        message: 'The difference between the request time and the current time is too large.',
        details: { ...requestTime, MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS) },
      };
  } else {
    // A presigned URL is valid from X-Amz-Date (within the allowed skew) until X-Amz-Expires seconds later.
    if (signedAt - now > MAX_CLOCK_SKEW_MS)
      return {
        status: 403,
        code: 'RequestTimeTooSkewed',
        message: 'The difference between the request time and the current time is too large.',
        details: { ...requestTime, MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS) },
      };
    const expiresAt = signedAt + expiresSeconds * 1000;
    if (now > expiresAt)
      return {
        status: 403,
        code: 'AccessDenied',
        message: 'Request has expired',
        details: {
          'X-Amz-Expires': String(expiresSeconds),
          Expires: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          ServerTime: requestTime.ServerTime,
        },
      };
  }

  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${(header(req, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalQuery = queryForSigning
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join(
    '\n',
  );

  return {
    accessKeyId,
    verify(secretAccessKey: string): boolean {
      const kDate = hmac(`AWS4${secretAccessKey}`, date);
      const kSigning = hmac(hmac(hmac(kDate, region), service), 'aws4_request');
      const expected = Buffer.from(createHmac('sha256', kSigning).update(stringToSign).digest('hex'));
      const provided = Buffer.from(signature);
      return expected.length === provided.length && timingSafeEqual(expected, provided);
    },
  };
}

export function isRefusal(value: SignedRequest | S3Refusal): value is S3Refusal {
  return 'status' in value;
}

/** `YYYYMMDDTHHMMSSZ` (ISO 8601 basic, as SigV4 signs it) to epoch milliseconds. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(time) ? undefined : time;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseQuery(raw: string): Array<[string, string]> {
  if (!raw) return [];
  return raw
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const k = eq === -1 ? pair : pair.slice(0, eq);
      const v = eq === -1 ? '' : pair.slice(eq + 1);
      return [safeDecode(k), safeDecode(v)];
    });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return text;
  }
}

/** RFC 3986 encoding as SigV4 requires. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
