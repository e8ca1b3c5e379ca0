import type { TypeDescriptor } from '@berth/core';

/** `ref-objects`: KubeVela's references to existing objects, read through the runtime and applied as copies. */
export const refObjectsType: TypeDescriptor = {
  name: 'ref-objects',
  category: 'workload',
  description:
    'Existing Kubernetes objects, read from the cluster by name or label selector and applied as copies ' +
    '(kubernetes runtime; reading objects from other clusters or URLs is not supported)',
  schema: {
    type: 'object',
    properties: {
      objects: {
        type: 'array',
        minItems: 1,
        description: 'The objects to read: by resource or apiVersion/kind, and name or labelSelector',
        items: {
          type: 'object',
          properties: {
            apiVersion: { type: 'string', minLength: 1 },
            kind: { type: 'string', minLength: 1 },
            resource: { type: 'string', minLength: 1, description: 'e.g. deployment, configmap, secret' },
            name: { type: 'string', minLength: 1 },
            namespace: { type: 'string', minLength: 1, description: "Default: the application's namespace" },
            labelSelector: { type: 'object', additionalProperties: { type: 'string' } },
          },
          additionalProperties: false,
        },
      },
    },
    required: ['objects'],
    additionalProperties: false,
  },
  stepTimeoutMs: 10 * 60_000,
};
