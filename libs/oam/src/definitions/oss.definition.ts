import { cloudSchema } from './cloud-common.schema';
import { BUCKET_NAME_PATTERN } from './schema-patterns';
import type { TypeDefinition } from './type-definition';

export const ossDefinition: TypeDefinition = {
  name: 'oss',
  kind: 'component',
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
};
