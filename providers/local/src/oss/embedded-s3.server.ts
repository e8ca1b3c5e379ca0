import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isRefusal, parseSigV4, type S3Refusal } from './sigv4.verifier';

/*
 * Why @20minutes/s3rver: the embedded endpoint has to speak the S3 REST protocol in-process with nothing but npm.
 * Candidates looked at (npm view, July 2026): `s3rver` 3.7.1 (the original, ~900k downloads a month, but its
 * dependencies are years old: fast-xml-parser 3, busboy 0.3, koa-router 9); `@20minutes/s3rver` 4.0.4, a maintained
 * fork of the same code with current dependencies (fast-xml-parser 5, busboy 1, koa 2.16), engines node >= 20 (its 5.x
 * needs Node 24, which CI does not have); `fauxqs` 2.x (needs Node 22.5+); MinIO/LocalStack need binaries or containers.
 * s3rver stores buckets and objects on the filesystem and supports multi-object delete, which is all the local
 * provider needs. Its own signature check rejects the bucket-level requests the current AWS SDK sends (it drops the
 * trailing slash from the signed path), so the gate below verifies Signature V4 itself and s3rver's check is relaxed.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AWSAccount = require('@20minutes/s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
};

/** Which bucket a key may touch; `*` is the provider's own admin key. */
export interface KeyGrant {
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

/**
 * An S3-compatible HTTP endpoint on loopback, backed by s3rver's filesystem store. In front of s3rver sits a small
 * gate that s3rver lacks: a request must carry a valid AWS Signature V4 (anonymous requests are refused) by an access key
 * this provider issued, and a bucket-scoped key may only touch its own bucket (path-style URLs only). Bucket ACLs, policies, versioning and storage classes are accepted by the provider but not
 * enforced by this server.
 */
export class EmbeddedS3Server {
  private server: Server | undefined;
  private readonly grants = new Map<string, KeyGrant>();
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly directory: string,
    private readonly host: string,
  ) {}

  get endpoint(): string {
    return `http://${this.host}:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens on `preferredPort` when it is free, else on any free port. Returns the port. */
  async start(preferredPort: number): Promise<number> {
    if (this.server) return this.port;
    const s3 = new S3rver({
      directory: this.directory,
      silent: true,
      vhostBuckets: false,
      allowMismatchedSignatures: true,
    });
    const handler = s3.callback();
    const server = createServer((req, res) => {
      const refusal = this.refuse(req);
      if (refusal) {
        const details = Object.entries(refusal.details ?? {})
          .map(([name, value]) => `<${name}>${xmlText(value)}</${name}>`)
          .join('');
        res.writeHead(refusal.status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${xmlText(refusal.message)}</Message>${details}</Error>`,
        );
        return;
      }
      handler(req, res);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.port = await listen(server, this.host, preferredPort).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || preferredPort === 0) throw error;
      return listen(server, this.host, 0);
    });
    this.server = server;
    return this.port;
  }

  grant(key: KeyGrant): void {
    this.grants.set(key.accessKeyId, key);
    AWSAccount.DUMMY_ACCOUNT.createKeyPair(key.accessKeyId, key.secretAccessKey);
  }

  revoke(accessKeyId: string): void {
    this.grants.delete(accessKeyId);
    AWSAccount.DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const id of this.grants.keys()) AWSAccount.DUMMY_ACCOUNT.revokeAccessKey(id);
    this.grants.clear();
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private refuse(req: IncomingMessage): S3Refusal | undefined {
    const url = new URL(req.url ?? '/', 'http://local');
    const signed = parseSigV4(req);
    if (!signed)
      return {
        status: 403,
        code: 'AccessDenied',
        message: 'Anonymous and Signature V2 requests are not allowed; sign with AWS Signature V4',
      };
    if (isRefusal(signed)) return signed;
    const grant = this.grants.get(signed.accessKeyId);
    if (!grant)
      return {
        status: 403,
        code: 'InvalidAccessKeyId',
        message: 'The AWS Access Key Id you provided does not exist in our records.',
      };
    if (!signed.verify(grant.secretAccessKey)) {
      return {
        status: 403,
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      };
    }
    if (grant.bucket === '*') return undefined;
    const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
    if (bucket !== grant.bucket)
      return { status: 403, code: 'AccessDenied', message: 'This access key is scoped to another bucket' };
    return undefined;
  }
}

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
