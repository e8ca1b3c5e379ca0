import type { JsonObject } from '@berth/core';
import { componentLabels } from '../../labels';
import type { KubeObject } from '../kube-object';
import { componentName, invalid, type WorkloadRender } from '../workload-render';

/**
 * Replaces the workload object by what a patch made of it. A patch may change anything but what Berth tracks the
 * object by: its apiVersion, kind, name, namespace and Berth's labels (which are put back).
 */
export function replaceWorkload(render: WorkloadRender, trait: string, patched: unknown): void {
  const before = render.workload!;
  const after = patched as KubeObject;
  const component = componentName(render);
  if (typeof after !== 'object' || after === null || typeof after.metadata !== 'object' || after.metadata === null)
    throw invalid(`component "${component}": trait ${trait} left the workload without metadata`);
  for (const field of ['apiVersion', 'kind'] as const) {
    if (after[field] !== before[field])
      throw invalid(
        `component "${component}": trait ${trait} may not change the workload's ${field} (${before[field]})`,
      );
  }
  for (const field of ['name', 'namespace'] as const) {
    if (after.metadata[field] !== before.metadata[field])
      throw invalid(`component "${component}": trait ${trait} may not change the workload's metadata.${field}`);
  }
  const request = render.request;
  after.metadata.labels = {
    ...((after.metadata.labels ?? {}) as Record<string, string>),
    ...componentLabels(request.environment, request.application, component),
  };
  const at = render.objects.indexOf(before);
  render.objects[at] = after;
  render.workload = after;
}

export type PatchDocument = JsonObject;
