import { describe, expect, it } from 'vitest';
import { BUCKET_ACTIONS, defaultBucketName, ossProgram } from './oss.program';
import { programInput, runProgram } from './testing/program-harness';

const TAGS = { 'berth:environment': 'prod', 'berth:application': 'shop', 'berth:component': 'files' };

describe('oss program', () => {
  it('creates the bucket with acl, versioning and storage class, and a RAM user whose policy opens that bucket alone', async () => {
    const run = await runProgram(
      ossProgram,
      programInput({
        type: 'oss',
        properties: { bucket: 'shop-files', acl: 'public-read', versioning: true, storageClass: 'IA' },
      }),
    );
    const bucket = run.one('alicloud:oss/bucket:Bucket');
    expect(bucket.inputs).toMatchObject({
      bucket: 'shop-files',
      storageClass: 'IA',
      versioning: { status: 'Enabled' },
      tags: TAGS,
    });
    expect(run.one('alicloud:oss/bucketAcl:BucketAcl').inputs).toMatchObject({
      bucket: 'shop-files',
      acl: 'public-read',
    });

    const user = run.one('alicloud:ram/user:User');
    const policy = run.one('alicloud:ram/policy:Policy');
    const doc = JSON.parse(String(policy.inputs.policyDocument)) as {
      Statement: Array<{ Effect: string; Action: string[]; Resource: string[] }>;
    };
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]!.Effect).toBe('Allow');
    expect(doc.Statement[0]!.Resource).toEqual(['acs:oss:*:*:shop-files', 'acs:oss:*:*:shop-files/*']);
    expect(doc.Statement[0]!.Action).toEqual([...BUCKET_ACTIONS]);
    expect(doc.Statement[0]!.Action.some((a) => a === 'oss:*' || (a.includes('Bucket') && /Put|Delete/.test(a)))).toBe(
      false,
    );
    expect(run.one('alicloud:ram/userPolicyAttachment:UserPolicyAttachment').inputs).toMatchObject({
      userName: user.inputs.name,
      policyName: policy.inputs.policyName,
      policyType: 'Custom',
    });
    const key = run.one('alicloud:ram/accessKey:AccessKey');
    expect(key.inputs.userName).toBe(user.inputs.name);
    expect(user.inputs.name).toBe('berth-prod-shop-files');
    for (const r of run.resources.filter((r) => !r.type.startsWith('pulumi:providers:'))) {
      expect(r.provider, r.type).toMatch(new RegExp(`::${run.providerRef()}$`));
    }
    expect(run.connection).toEqual({
      BUCKET_NAME: 'shop-files',
      BUCKET_ENDPOINT: 'oss-cn-hangzhou.aliyuncs.com',
      BUCKET_INTRANET_ENDPOINT: 'oss-cn-hangzhou-internal.aliyuncs.com',
      OSS_REGION: 'cn-hangzhou',
      OSS_ACCESS_KEY_ID: key.id,
      OSS_ACCESS_KEY_SECRET: 'mock-secret-of-access-key',
    });
    expect(run.secretKeys).toEqual(['OSS_ACCESS_KEY_SECRET']);
  });

  it('generates a deterministic, valid, distinct bucket name when none is given, private by default', async () => {
    const a = await runProgram(ossProgram, programInput({ type: 'oss' }));
    const b = await runProgram(ossProgram, programInput({ type: 'oss' }));
    const name = String(a.one('alicloud:oss/bucket:Bucket').inputs.bucket);
    expect(name).toMatch(/^berth-prod-shop-files-[0-9a-f]{8}$/);
    expect(b.one('alicloud:oss/bucket:Bucket').inputs.bucket).toBe(name);
    expect(a.one('alicloud:oss/bucketAcl:BucketAcl').inputs.acl).toBe('private');
    const other = defaultBucketName({
      environment: 'prod',
      application: 'shop',
      component: 'files2',
      idempotencyKey: 'k',
    });
    expect(other).not.toBe(name);
    const long = defaultBucketName({
      environment: 'e'.repeat(40),
      application: 'a'.repeat(40),
      component: 'c'.repeat(40),
      idempotencyKey: 'k',
    });
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]+[a-z0-9]$/);
  });

  it('keeps both access keys during a rotation and publishes the newest', async () => {
    const run = await runProgram(
      ossProgram,
      programInput({ type: 'oss', externalIds: { accessKeyGenerations: '0,1' } }),
    );
    const keys = run.byType('alicloud:ram/accessKey:AccessKey');
    expect(keys.map((k) => k.name)).toEqual(['access-key', 'access-key-1']);
    expect(run.connection.OSS_ACCESS_KEY_ID).toBe(keys[1]!.id);
    expect(run.externalIds).toMatchObject({ accessKeyGeneration: '1', accessKeyGenerations: '0,1' });
  });
});
