import type { JsonObject } from '@berth/core';
import { isObject } from '../workload-properties';
import { requirePodTemplate } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

/** KubeVela's `{required, preferred}` of a pod (anti-)affinity or node affinity, in the pod spec's spelling. */
function terms(value: unknown): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const out: JsonObject = {};
  if (value.required !== undefined) out[REQUIRED] = value.required;
  if (value.preferred !== undefined) out[PREFERRED] = value.preferred;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** KubeVela's `affinity`: `podAffinity`, `podAntiAffinity`, `nodeAffinity` (required/preferred) and `tolerations`. */
export const affinityTrait: TraitRenderer = {
  type: 'affinity',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const spec = requirePodTemplate(render, 'affinity').spec as JsonObject;
    const affinity: JsonObject = { ...((spec.affinity ?? {}) as JsonObject) };
    for (const field of ['podAffinity', 'podAntiAffinity', 'nodeAffinity'] as const) {
      const value = terms(properties[field]);
      if (value) affinity[field] = value;
    }
    if (Object.keys(affinity).length > 0) spec.affinity = affinity;
    if (Array.isArray(properties.tolerations)) {
      spec.tolerations = [
        ...((spec.tolerations ?? []) as JsonObject[]),
        ...properties.tolerations.filter(isObject).map((t) => ({ operator: 'Equal', ...t })),
      ];
    }
  },
};
