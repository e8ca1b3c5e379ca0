import type { JsonObject } from '@berth/core';

/** A Kubernetes object as written in a manifest: apiVersion, kind and metadata.name; the rest as the kind has it. */
export const KUBERNETES_OBJECT: JsonObject = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    metadata: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string' } },
      required: ['name'],
    },
  },
  required: ['apiVersion', 'kind', 'metadata'],
};
