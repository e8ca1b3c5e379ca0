import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { fitName, shortHash, type ProgramInput, type ProgramOutputs } from '@berth/pulumi';
import { NAME_RULES } from '../naming/resource-names';
import { readAlicloudSettings } from '../profile/alicloud-profile';
import { bool, createProgramContext, invalid, str } from './program-context';

const ACLS = new Set(['private', 'public-read', 'public-read-write']);
const STORAGE_CLASSES = new Set(['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive']);

/** What the bucket's own credentials may do: objects and listing of this bucket, nothing else. */
export const BUCKET_ACTIONS = [
  'oss:GetBucketInfo',
  'oss:GetBucketLocation',
  'oss:ListObjects',
  'oss:ListObjectVersions',
  'oss:GetObject',
  'oss:GetObjectVersion',
  'oss:PutObject',
  'oss:DeleteObject',
  'oss:DeleteObjectVersion',
  'oss:ListParts',
  'oss:AbortMultipartUpload',
  'oss:ListMultipartUploads',
] as const;

/** A RAM policy document that opens one bucket and its objects alone. */
export function bucketPolicyDocument(bucket: string): string {
  return JSON.stringify({
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: [...BUCKET_ACTIONS], Resource: [`acs:oss:*:*:${bucket}`, `acs:oss:*:*:${bucket}/*`] },
    ],
  });
}

/** The generated bucket name: deterministic per component, and distinct across components and accounts' keys. */
export function defaultBucketName(
  input: Pick<ProgramInput, 'environment' | 'application' | 'component' | 'idempotencyKey'>,
): string {
  const suffix = shortHash(`${input.environment}/${input.application}/${input.component}/${input.idempotencyKey}`);
  const head = fitName(['berth', input.environment, input.application, input.component], {
    ...NAME_RULES.bucket,
    maxLength: 63 - 9,
  });
  return `${head}-${suffix}`;
}

/**
 * The access-key generations to keep. Normally one; during a rotation two (the old one stays valid until revoke).
 * Carried in the request's externalIds (`accessKeyGenerations`, e.g. "0,1"), the newest last.
 */
export function accessKeyGenerations(externalIds: Record<string, string>): number[] {
  const raw = externalIds.accessKeyGenerations ?? externalIds.accessKeyGeneration ?? '0';
  const list = raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 0);
  return list.length === 0 ? [0] : [...new Set(list)].sort((a, b) => a - b);
}

/**
 * oss: a Bucket (storage class, versioning) with its ACL, and a RAM user whose only policy opens that bucket, with
 * its access key: the bucket's credentials open that bucket alone.
 */
export async function ossProgram(input: ProgramInput): Promise<ProgramOutputs> {
  const ctx = createProgramContext(input);
  const p = input.properties;
  const bucketName = str(p, 'bucket') ?? defaultBucketName(input);
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucketName)) {
    throw invalid(`bucket "${bucketName}" must be 3..63 lower-case letters, digits and hyphens`);
  }
  const acl = str(p, 'acl') ?? 'private';
  if (!ACLS.has(acl)) throw invalid(`acl must be one of ${[...ACLS].join(', ')}`);
  const storageClass = str(p, 'storageClass') ?? 'Standard';
  if (!STORAGE_CLASSES.has(storageClass))
    throw invalid(`storageClass must be one of ${[...STORAGE_CLASSES].join(', ')}`);
  const versioning = bool(p, 'versioning');
  const region = readAlicloudSettings(input.profile).region;

  const bucket = new alicloud.oss.Bucket(
    'bucket',
    {
      bucket: bucketName,
      storageClass,
      ...(versioning !== undefined ? { versioning: { status: versioning ? 'Enabled' : 'Suspended' } } : {}),
      tags: ctx.tags,
    },
    ctx.opts,
  );
  // The typings mark Bucket.acl deprecated in favour of this resource.
  new alicloud.oss.BucketAcl('bucket-acl', { bucket: bucket.bucket, acl }, ctx.opts);

  const user = new alicloud.ram.User(
    'user',
    { name: ctx.name(NAME_RULES.ramUser), comments: `credentials of bucket ${bucketName} (berth)`, tags: ctx.tags },
    ctx.opts,
  );
  const policy = new alicloud.ram.Policy(
    'policy',
    {
      policyName: ctx.name(NAME_RULES.ramPolicy),
      policyDocument: bucket.bucket.apply(bucketPolicyDocument),
      description: `access to bucket ${bucketName} alone`,
      tags: ctx.tags,
    },
    ctx.opts,
  );
  const attachment = new alicloud.ram.UserPolicyAttachment(
    'policy-attachment',
    { userName: user.name, policyName: policy.policyName, policyType: 'Custom' },
    ctx.opts,
  );
  const keys = accessKeyGenerations(input.externalIds).map(
    (generation) =>
      [
        generation,
        new alicloud.ram.AccessKey(
          generation === 0 ? 'access-key' : `access-key-${generation}`,
          { userName: user.name },
          { ...ctx.opts, dependsOn: [attachment], additionalSecretOutputs: ['secret'] },
        ),
      ] as const,
  );
  const [generation, current] = keys[keys.length - 1]!;

  return {
    connection: {
      BUCKET_NAME: bucket.bucket,
      BUCKET_ENDPOINT: bucket.extranetEndpoint,
      BUCKET_INTRANET_ENDPOINT: bucket.intranetEndpoint,
      OSS_REGION: pulumi.output(region),
      OSS_ACCESS_KEY_ID: current.id,
      OSS_ACCESS_KEY_SECRET: pulumi.secret(current.secret),
    },
    externalIds: {
      bucket: bucket.bucket,
      ramUser: user.name,
      ramPolicy: policy.policyName,
      accessKeyId: current.id,
      accessKeyGeneration: pulumi.output(String(generation)),
      accessKeyGenerations: pulumi.output(keys.map(([g]) => g).join(',')),
    },
  };
}
