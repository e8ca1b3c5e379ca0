import type { JsonObject } from '@berth/core';
import { DNS_LABEL_PATTERN, REGION_PATTERN } from './schema-patterns';

/** Fields every cloud component takes besides its own properties (in `properties` or at component level). */
export const CLOUD_COMMON_FIELDS = [
  'writeConnectionSecretToRef',
  'deletionPolicy',
  'providerRef',
  'dependsOn',
] as const;
export type CloudCommonField = (typeof CLOUD_COMMON_FIELDS)[number];

/** Common fields written inside `properties` only (KubeVela style). */
export const CLOUD_PROPERTY_ONLY_FIELDS = ['region'] as const;

export const CLOUD_COMMON_PROPERTIES: Readonly<Record<string, JsonObject>> = {
  writeConnectionSecretToRef: {
    type: 'object',
    description: 'Where the connection secret is written in the runtime. Default name: `<app>-<component>-conn`.',
    properties: {
      name: { type: 'string', pattern: DNS_LABEL_PATTERN, description: 'Name of the connection secret' },
      namespace: {
        type: 'string',
        pattern: DNS_LABEL_PATTERN,
        description:
          "Namespace of the Secret on the kubernetes runtime (default: the environment's); recorded on the local runtime",
      },
    },
    required: ['name'],
    additionalProperties: false,
  },
  deletionPolicy: {
    type: 'string',
    enum: ['Delete', 'Retain'],
    default: 'Delete',
    description: 'What happens to the resource when the component or application is deleted',
  },
  providerRef: {
    type: 'object',
    description: "A provider profile of the environment to provision this component with, instead of the environment's",
    properties: {
      name: { type: 'string', pattern: DNS_LABEL_PATTERN, description: 'Name of the provider profile' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  dependsOn: {
    type: 'array',
    description: 'Components that must be ready before this one is provisioned',
    items: { type: 'string' },
    uniqueItems: true,
  },
  region: {
    type: 'string',
    pattern: REGION_PATTERN,
    description: "Region to create the resource in, overriding the provider profile's region",
  },
};

/** A cloud type's schema: its own properties plus the common ones. */
export function cloudSchema(properties: Record<string, JsonObject>, required: string[] = []): JsonObject {
  return {
    type: 'object',
    properties: { ...properties, ...CLOUD_COMMON_PROPERTIES },
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}
