import type { TypeDescriptor } from '@berth/core';
import { cloudSchema } from '../shared/cloud-common.schema';
import { kubeVelaAlias, rename } from '../shared/kubevela-conversions';
import { BUCKET_NAME_PATTERN } from '../shared/schema-patterns';

/** `oss`: a bucket with credentials scoped to it (KubeVela's alibaba-oss). */
export const ossType: TypeDescriptor = {
  name: 'oss',
  category: 'cloud',
  description: 'An object storage bucket with credentials scoped to it',
  schema: cloudSchema({
    bucket: {
      type: 'string',
      pattern: BUCKET_NAME_PATTERN,
      description: 'Bucket name (globally unique); generated when absent',
    },
    acl: {
      type: 'string',
      enum: ['private', 'public-read', 'public-read-write'],
      default: 'private',
      description: 'Access control of the bucket',
    },
    versioning: { type: 'boolean', default: false, description: 'Keep every version of each object' },
    storageClass: {
      type: 'string',
      enum: ['Standard', 'IA', 'Archive', 'ColdArchive'],
      default: 'Standard',
      description: 'Storage class of the bucket',
    },
  }),
  connectionKeys: [
    { name: 'BUCKET_NAME', sensitive: false, description: 'Bucket name' },
    { name: 'BUCKET_ENDPOINT', sensitive: false, description: 'Public endpoint of the bucket' },
    { name: 'BUCKET_INTRANET_ENDPOINT', sensitive: false, description: 'Intranet endpoint of the bucket' },
    { name: 'OSS_REGION', sensitive: false, description: 'Region of the bucket' },
    { name: 'OSS_ACCESS_KEY_ID', sensitive: false, description: 'Access key id scoped to this bucket' },
    { name: 'OSS_ACCESS_KEY_SECRET', sensitive: true, description: 'Access key secret scoped to this bucket' },
  ],
  // A second access key; the old one stays valid until revoked.
  rotation: { reissues: ['OSS_ACCESS_KEY_ID', 'OSS_ACCESS_KEY_SECRET'] },
  stepTimeoutMs: 5 * 60_000,
  aliases: [
    kubeVelaAlias('alibaba-oss', 'oss', [
      ['bucket', rename('bucket', 'OSS bucket name')],
      ['acl', rename('acl', "OSS bucket ACL: 'private', 'public-read' or 'public-read-write'")],
    ]),
  ],
};
