import type { TypeDescriptor } from '@berth/core';
import { KUBERNETES_OBJECT } from '../shared/kubernetes-object.schema';

/** `raw`: KubeVela's one Kubernetes object written as the component's properties. */
export const rawType: TypeDescriptor = {
  name: 'raw',
  category: 'workload',
  description: 'One Kubernetes object, written as the properties, applied as it is (kubernetes runtime)',
  schema: { ...KUBERNETES_OBJECT, description: 'The object (apiVersion, kind, metadata, and the rest of it)' },
  stepTimeoutMs: 10 * 60_000,
  // Traits patch the object itself: a raw Deployment takes the traits a Deployment takes.
  workloadKind: (properties) => (typeof properties.kind === 'string' ? properties.kind : undefined),
};
