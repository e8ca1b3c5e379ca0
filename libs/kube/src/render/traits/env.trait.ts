import type { JsonObject } from '@berth/core';
import { isObject, readDeclaredEnv } from '../workload-properties';
import { componentName, containerOf, invalid, mergeByKey, type WorkloadRender } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

function patchContainer(render: WorkloadRender, patch: JsonObject): void {
  const container = containerOf(render, 'env', patch.containerName);
  const env = readDeclaredEnv(componentName(render), patch.env ?? {});
  const unset = new Set(Array.isArray(patch.unset) ? patch.unset.map(String) : []);
  if (patch.replace === true) container.env = env;
  else mergeByKey(container, 'env', env);
  const kept = ((container.env ?? []) as JsonObject[]).filter((e) => !unset.has(String(e.name)));
  if (kept.length > 0) container.env = kept;
  else delete container.env;
}

/**
 * KubeVela's `env`: `env: {NAME: value}` merged into the main container (or `containerName`), `replace: true` to
 * replace its variables, `unset: [NAME]` to drop some; `containers[]` for several containers.
 */
export const envTrait: TraitRenderer = {
  type: 'env',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const patches = Array.isArray(properties.containers) ? properties.containers : [properties];
    for (const patch of patches) {
      if (!isObject(patch))
        throw invalid(`component "${componentName(render)}": trait env: containers[] must be objects`);
      patchContainer(render, patch);
    }
  },
};
