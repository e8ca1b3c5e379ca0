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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
