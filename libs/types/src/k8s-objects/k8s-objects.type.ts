import type { TypeDescriptor } from '@berth/core';
import { KUBERNETES_OBJECT } from '../shared/kubernetes-object.schema';

/** `k8s-objects`: KubeVela's list of Kubernetes objects applied as they are (and pruned with the application). */
export const k8sObjectsType: TypeDescriptor = {
  name: 'k8s-objects',
  category: 'workload',
  description: 'Kubernetes objects applied as they are, and removed with the application (kubernetes runtime)',
  schema: {
    type: 'object',
    properties: {
      objects: { type: 'array', minItems: 1, items: KUBERNETES_OBJECT, description: 'The objects to apply' },
    },
    required: ['objects'],
    additionalProperties: false,
  },
  stepTimeoutMs: 10 * 60_000,
};
