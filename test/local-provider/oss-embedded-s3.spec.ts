import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ProviderErrorCode, type ApplyResult } from '@berth/core';
import { LocalResourceProvider } from '@berth/provider-local';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLog, request, tempDataDir } from './local-request.fixture';

/** An S3 client built only from what the connection secret says. */
function clientFrom(secret: ApplyResult): S3Client {
  const all = { ...secret.outputs, ...secret.secretOutputs };
  return new S3Client({
    endpoint: all.BUCKET_ENDPOINT,
    region: all.OSS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: all.OSS_ACCESS_KEY_ID, secretAccessKey: all.OSS_ACCESS_KEY_SECRET },
    maxAttempts: 1,
  });
}

async function putGet(secret: ApplyResult, key: string, body: string): Promise<string> {
  const s3 = clientFrom(secret);
  try {
    await s3.send(new PutObjectCommand({ Bucket: secret.outputs.BUCKET_NAME, Key: key, Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: secret.outputs.BUCKET_NAME, Key: key }));
    return await got.Body!.transformToString();
  } finally {
    s3.destroy();
  }
}

describe('local provider: oss on the embedded S3 endpoint', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let provider: LocalResourceProvider;
  const log = new RecordingLog();

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDataDir());
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
  });
  afterEach(async () => {
    await provider.close();
    await cleanup();
  });

  it('puts and gets an object with only the connection secret, and the key is checked and scoped to its bucket', async () => {
    const spec = { type: 'oss' as const, component: 'files' };
    const secret = await provider.apply(request(spec), log);
    expect(Object.keys(secret.outputs).sort()).toEqual([
      'BUCKET_ENDPOINT',
      'BUCKET_INTRANET_ENDPOINT',
      'BUCKET_NAME',
      'OSS_ACCESS_KEY_ID',
      'OSS_REGION',
    ]);
    expect(Object.keys(secret.secretOutputs)).toEqual(['OSS_ACCESS_KEY_SECRET']);
    expect(await putGet(secret, 'hello.txt', 'hello world')).toBe('hello world');

    // A wrong secret is refused (signature checked).
    const forged = { ...secret, secretOutputs: { OSS_ACCESS_KEY_SECRET: 'not-the-secret' } };
    await expect(putGet(forged, 'x', 'y')).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    // An anonymous request is refused.
    const anonymous = await fetch(`${secret.outputs.BUCKET_ENDPOINT}/${secret.outputs.BUCKET_NAME}/hello.txt`);
    expect(anonymous.status).toBe(403);
    // The key of one bucket cannot reach another bucket.
    const other = await provider.apply(
      request({ type: 'oss', component: 'other', properties: { bucket: 'explicit-name' } }),
      log,
    );
    expect(other.outputs.BUCKET_NAME).toBe('explicit-name');
    const s3 = clientFrom(secret);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'explicit-name' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'sneaky' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    s3.destroy();
    expect(log.lines.join('\n')).not.toContain(secret.secretOutputs.OSS_ACCESS_KEY_SECRET);
  });

  it('keeps objects across a restart, applies idempotently, and destroy removes the bucket with its objects (twice is fine)', async () => {
    const spec = { type: 'oss' as const, component: 'assets' };
    const one = await provider.apply(request(spec), log);
    expect(await putGet(one, 'a/b.txt', 'persisted')).toBe('persisted');
    const two = await provider.apply(request(spec), log);
    expect(two).toEqual(one);

    await provider.close();
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    expect((await provider.refresh(request(spec))).drifted).toBe(false);
    const s3 = clientFrom(one);
    const got = await s3.send(new GetObjectCommand({ Bucket: one.outputs.BUCKET_NAME, Key: 'a/b.txt' }));
    expect(await got.Body!.transformToString()).toBe('persisted');
    s3.destroy();

    await provider.destroy(request(spec), log);
    await provider.destroy(request(spec), log);
    const drift = await provider.refresh(request(spec));
    expect(drift.exists).toBe(false);
    // Re-creating gives an empty bucket: the objects went with it.
    const again = await provider.apply(request(spec), log);
    const s3b = clientFrom(again);
    await expect(
      s3b.send(new GetObjectCommand({ Bucket: again.outputs.BUCKET_NAME, Key: 'a/b.txt' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    s3b.destroy();
  });

  it('rotates the access key: old and new both work until revoke, then only the new one', async () => {
    const spec = { type: 'oss' as const, component: 'rot' };
    const old = await provider.apply(request(spec), log);
    const rotated = await provider.rotate(request(spec), log);
    expect(rotated.outputs.OSS_ACCESS_KEY_ID).not.toBe(old.outputs.OSS_ACCESS_KEY_ID);
    expect(await putGet(old, 'k', 'old')).toBe('old');
    expect(await putGet(rotated, 'k', 'new')).toBe('new');
    await provider.revoke(request(spec), rotated.revoke, log);
    await expect(putGet(old, 'k', 'old')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    expect(await putGet(rotated, 'k', 'still')).toBe('still');
    // The rotated key survives a restart.
    await provider.close();
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    expect(await putGet(rotated, 'k', 'after restart')).toBe('after restart');
  });

  it('refuses an invalid bucket name as InvalidRequest', async () => {
    await expect(
      provider.apply(request({ type: 'oss', component: 'bad', properties: { bucket: 'Not_Valid' } }), log),
    ).rejects.toMatchObject({
      code: ProviderErrorCode.InvalidRequest,
    });
  });
});

const run = promisify(execFile);

/** Whether a command-line client is installed here (the suites using it skip with a printed reason otherwise). */
function installed(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasCurl = installed('curl');
const hasAwsCli = installed('aws');
if (!hasCurl) console.warn('skipping the curl --aws-sigv4 check: curl is not installed');
if (!hasAwsCli) console.warn('skipping the awscli presigned-URL checks: aws (awscli) is not installed');

describe('local provider: the embedded S3 endpoint answers malformed, expired and skewed requests as S3 does', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let provider: LocalResourceProvider;
  let secret: ApplyResult;
  let all: Record<string, string>;
  let objectUrl: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDataDir());
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    secret = await provider.apply(request({ type: 'oss', component: 'files' }), new RecordingLog());
    all = { ...secret.outputs, ...secret.secretOutputs };
    objectUrl = `${all.BUCKET_ENDPOINT}/${all.BUCKET_NAME}/note.txt`;
    const s3 = clientFrom(secret);
    await s3.send(new PutObjectCommand({ Bucket: all.BUCKET_NAME, Key: 'note.txt', Body: 'signed content' }));
    s3.destroy();
  });
  afterAll(async () => {
    await provider.close();
    await cleanup();
  });

  /** Runs a client as a child process (async: the endpoint answers from this very process). */
  const awsEnv = () => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: all.OSS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: all.OSS_ACCESS_KEY_SECRET,
    AWS_DEFAULT_REGION: all.OSS_REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const presign = async (expiresIn: number) =>
    (
      await run(
        'aws',
        [
          's3',
          'presign',
          `s3://${all.BUCKET_NAME}/note.txt`,
          '--expires-in',
          String(expiresIn),
          '--endpoint-url',
          all.BUCKET_ENDPOINT,
        ],
        { env: awsEnv() },
      )
    ).stdout.trim();

  it.skipIf(!hasCurl)(
    'a signed request without x-amz-content-sha256 (curl --aws-sigv4) gets 400 InvalidRequest naming the header',
    async () => {
      const { stdout } = await run('curl', [
        '-sS',
        '-w',
        '\n%{http_code}',
        '--aws-sigv4',
        `aws:amz:${all.OSS_REGION}:s3`,
        '--user',
        `${all.OSS_ACCESS_KEY_ID}:${all.OSS_ACCESS_KEY_SECRET}`,
        objectUrl,
      ]);
      const status = stdout.slice(stdout.lastIndexOf('\n') + 1);
      expect(status).toBe('400');
      expect(stdout).toContain('<Code>InvalidRequest</Code>');
      expect(stdout).toContain('Missing required header for this request: x-amz-content-sha256');
      // With the header (curl signs it when given), the same request is served.
      const signed = await run('curl', [
        '-sS',
        '--fail',
        '-H',
        'x-amz-content-sha256: UNSIGNED-PAYLOAD',
        '--aws-sigv4',
        `aws:amz:${all.OSS_REGION}:s3`,
        '--user',
        `${all.OSS_ACCESS_KEY_ID}:${all.OSS_ACCESS_KEY_SECRET}`,
        objectUrl,
      ]);
      expect(signed.stdout).toBe('signed content');
    },
  );

  it.skipIf(!hasAwsCli)(
    'a presigned URL (awscli) works until X-Amz-Expires has passed, then 403 Request has expired',
    async () => {
      const lasting = await presign(600);
      const ok = await fetch(lasting);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('signed content');

      const brief = await presign(1);
      expect(new URL(brief).searchParams.get('X-Amz-Expires')).toBe('1');
      await new Promise((r) => setTimeout(r, 2_500));
      const expired = await fetch(brief);
      expect(expired.status).toBe(403);
      const body = await expired.text();
      expect(body).toContain('<Code>AccessDenied</Code>');
      expect(body).toContain('<Message>Request has expired</Message>');
      expect(body).toContain('<X-Amz-Expires>1</X-Amz-Expires>');
    },
  );

  it.skipIf(!hasAwsCli)(
    'X-Amz-Expires over a week or missing is refused with 400 AuthorizationQueryParametersError',
    async () => {
      const url = new URL(await presign(600));
      url.searchParams.set('X-Amz-Expires', '604801');
      const tooLong = await fetch(url);
      expect(tooLong.status).toBe(400);
      expect(await tooLong.text()).toContain('X-Amz-Expires must be less than a week');
      url.searchParams.delete('X-Amz-Expires');
      const missing = await fetch(url);
      expect(missing.status).toBe(400);
      expect(await missing.text()).toContain('<Code>AuthorizationQueryParametersError</Code>');
    },
  );

  it('a request signed with a clock 20 minutes off gets 403 RequestTimeTooSkewed; the SDK corrects its clock from the answer', async () => {
    for (const offset of [-20 * 60_000, 20 * 60_000]) {
      const skewed = new S3Client({
        endpoint: all.BUCKET_ENDPOINT,
        region: all.OSS_REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: all.OSS_ACCESS_KEY_ID, secretAccessKey: all.OSS_ACCESS_KEY_SECRET },
        systemClockOffset: offset,
        maxAttempts: 1,
      });
      await expect(
        skewed.send(new GetObjectCommand({ Bucket: all.BUCKET_NAME, Key: 'note.txt' })),
      ).rejects.toMatchObject({ name: 'RequestTimeTooSkewed', $metadata: { httpStatusCode: 403 } });
      skewed.destroy();
    }
    // The SDK takes the server's time from that answer (ServerTime, Date), as it does from S3: its next request is
    // signed with the corrected clock and served.
    const correcting = new S3Client({
      endpoint: all.BUCKET_ENDPOINT,
      region: all.OSS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: all.OSS_ACCESS_KEY_ID, secretAccessKey: all.OSS_ACCESS_KEY_SECRET },
      systemClockOffset: -20 * 60_000,
      maxAttempts: 1,
    });
    await expect(
      correcting.send(new GetObjectCommand({ Bucket: all.BUCKET_NAME, Key: 'note.txt' })),
    ).rejects.toMatchObject({ name: 'RequestTimeTooSkewed' });
    const got = await correcting.send(new GetObjectCommand({ Bucket: all.BUCKET_NAME, Key: 'note.txt' }));
    expect(await got.Body!.transformToString()).toBe('signed content');
    correcting.destroy();
  });

  it.skipIf(Number(process.versions.node.split('.')[0]) >= 22)(
    'on Node 20 a start prints no AWS SDK end-of-support notice, and other warnings still print',
    async () => {
      const child = await tempDataDir();
      try {
        const env: NodeJS.ProcessEnv = { ...process.env, BERTH_DATA_DIR: child.dir };
        delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
        const { stderr } = await run(
          process.execPath,
          ['--import', 'tsx', join(__dirname, 'support', 'oss-once.child.ts')],
          { env },
        );
        expect(stderr).toContain('a warning of our own still prints');
        expect(stderr).not.toContain('NodeVersionSupportWarning');
        expect(stderr).not.toContain('require node >=22');
      } finally {
        await child.cleanup();
      }
    },
  );
});
