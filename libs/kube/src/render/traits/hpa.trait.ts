import type { JsonObject } from '@berth/core';
import { isObject } from '../workload-properties';
import { addObject, componentName, invalid, objectMetadata, type WorkloadRender } from '../workload-render';
import { SCALABLE_KINDS, type TraitRenderer } from './trait-renderer';

export function scaleTarget(render: WorkloadRender, properties: JsonObject): JsonObject {
  return {
    apiVersion:
      typeof properties.targetAPIVersion === 'string' ? properties.targetAPIVersion : render.workload!.apiVersion,
    kind: typeof properties.targetKind === 'string' ? properties.targetKind : render.workload!.kind,
    name: render.workload!.metadata.name,
  };
}

export function bounds(render: WorkloadRender, trait: string, properties: JsonObject): { min: number; max: number } {
  const min = properties.min ?? 1;
  const max = properties.max ?? 10;
  if (
    typeof min !== 'number' ||
    typeof max !== 'number' ||
    !Number.isInteger(min) ||
    !Number.isInteger(max) ||
    min < 1 ||
    max < min
  )
    throw invalid(
      `component "${componentName(render)}": trait ${trait}: min and max must be whole numbers with 1 ≤ min ≤ max`,
    );
  return { min, max };
}

/** The HPA owns the replica count: the workload then leaves `replicas` out, so an apply never resets it. */
export function handReplicasToAutoscaler(render: WorkloadRender): void {
  delete (render.workload!.spec as JsonObject).replicas;
}

function resourceMetric(name: 'cpu' | 'memory', value: unknown, fallback?: JsonObject): JsonObject | undefined {
  const spec = isObject(value) ? value : fallback;
  if (!spec) return undefined;
  const type = String(spec.type ?? 'Utilization');
  const target =
    type === 'Utilization'
      ? { type, averageUtilization: Number(spec.value ?? 50) }
      : type === 'AverageValue'
        ? { type, averageValue: String(spec.value) }
        : { type, value: String(spec.value) };
  return { type: 'Resource', resource: { name, target } };
}

/**
 * KubeVela's `hpa`: an autoscaling/v2 HorizontalPodAutoscaler of the workload between `min` (1) and `max` (10)
 * replicas on `cpu` (default Utilization 50), `mem` and `podCustomMetrics[] {name, value}`.
 */
export const hpaTrait: TraitRenderer = {
  type: 'hpa',
  appliesTo: SCALABLE_KINDS,
  apply(render, properties) {
    const { min, max } = bounds(render, 'hpa', properties);
    const metrics = [
      resourceMetric('cpu', properties.cpu, { type: 'Utilization', value: 50 }),
      resourceMetric('memory', properties.mem),
      ...(Array.isArray(properties.podCustomMetrics) ? properties.podCustomMetrics.filter(isObject) : []).map((m) => ({
        type: 'Pods',
        pods: { metric: { name: m.name }, target: { type: 'AverageValue', averageValue: String(m.value) } },
      })),
    ].filter((m) => m !== undefined);
    addObject(render, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: objectMetadata(render.request, componentName(render), componentName(render)),
      spec: { scaleTargetRef: scaleTarget(render, properties), minReplicas: min, maxReplicas: max, metrics },
    });
    handReplicasToAutoscaler(render);
  },
};
