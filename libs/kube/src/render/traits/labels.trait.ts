import type { JsonObject } from '@berth/core';
import { stringMap } from '../workload-properties';
import { componentName, podTemplateOf, type WorkloadRender } from '../workload-render';
import { ANY_KIND, type TraitRenderer } from './trait-renderer';

/** Adds labels or annotations to the workload object and its pod template; Berth's own labels stay as they are. */
export function patchMetadata(render: WorkloadRender, field: 'labels' | 'annotations', properties: JsonObject): void {
  const values = stringMap(componentName(render), `${field} trait`, properties);
  const workload = render.workload;
  if (!workload) return;
  const targets = [workload.metadata, podTemplateOf(workload)?.metadata].filter((m) => m !== undefined);
  for (const metadata of targets) {
    const own = (metadata[field] ?? {}) as Record<string, string>;
    // Berth's labels (selectors, ownership) win over a trait's of the same key.
    metadata[field] = field === 'labels' ? { ...values, ...own } : { ...own, ...values };
  }
}

/** KubeVela's `labels`: a map of labels on the workload and its pods. */
export const labelsTrait: TraitRenderer = {
  type: 'labels',
  appliesTo: [ANY_KIND],
  apply: (render, properties) => patchMetadata(render, 'labels', properties),
};
