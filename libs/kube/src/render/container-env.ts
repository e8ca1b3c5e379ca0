import type { WorkloadComponentSpec } from '@berth/core';
import { renderWorkload } from './manifest.renderer';
import { podTemplateOf } from './workload-render';
import type { LiteralEnvVar } from './workload-properties';

/** Types whose objects are written out by the user; they run no container Berth builds. */
const OBJECT_TYPES = new Set(['k8s-objects', 'raw', 'ref-objects']);

/**
 * The environment a workload's main container declares once its traits ran (its `env`, the `env` trait, a `storage`
 * mountToEnv…), before bindings: what a pod would get besides the bound secrets. Undefined for object types.
 */
export function declaredContainerEnv(component: WorkloadComponentSpec): LiteralEnvVar[] | undefined {
  if (OBJECT_TYPES.has(component.type)) return undefined;
  const objects = renderWorkload(
    { environment: 'local', application: 'local', workloads: [], secrets: [] },
    { component, env: [], bindingsChecksum: '' },
    new Map(),
  );
  const workload = objects.find((o) => podTemplateOf(o) !== undefined);
  const containers = podTemplateOf(workload)?.spec.containers ?? [];
  const main = containers.find((c) => c.name === component.name) ?? containers[0];
  return (main?.env ?? []) as LiteralEnvVar[];
}
