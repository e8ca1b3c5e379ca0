import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What the embedded endpoint needs to know about a signed request. */
export interface SignedRequest {
  accessKeyId: string;
  verify(secretAccessKey: string): boolean;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Parses an AWS Signature Version 4 request (Authorization header or presigned query) and verifies it against a
 * secret. s3rver's own check rebuilds the canonical URI from its route parameters and so rejects bucket-level requests
 * that the current AWS SDK signs with a trailing slash; this verifier signs the path exactly as sent, as S3 does.
 * Signature V2 is not accepted. The payload hash is taken from x-amz-content-sha256 as signed, not recomputed.
 */
export function parseSigV4(req: IncomingMessage): SignedRequest | undefined {
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
    payloadHash = header(req, 'x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  } else {
    const get = (name: string) => params.find(([k]) => k === name)?.[1];
    if (get('X-Amz-Algorithm') !== ALGORITHM) return undefined;
    credential = get('X-Amz-Credential') ?? '';
    signedHeaders = get('X-Amz-SignedHeaders') ?? '';
    signature = get('X-Amz-Signature') ?? '';
    amzDate = get('X-Amz-Date') ?? '';
    payloadHash = 'UNSIGNED-PAYLOAD';
    queryForSigning = params.filter(([k]) => k !== 'X-Amz-Signature');
  }
  if (!credential || !signedHeaders || !signature || !amzDate) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;

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
