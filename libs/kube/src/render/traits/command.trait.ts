import type { JsonObject } from '@berth/core';
import { asStringList, isObject } from '../workload-properties';
import { componentName, containerOf, invalid, type WorkloadRender } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

function patchContainer(render: WorkloadRender, patch: JsonObject): void {
  const container = containerOf(render, 'command', patch.containerName);
  if (patch.command === null) delete container.command;
  else if (patch.command !== undefined) container.command = asStringList(patch.command);
  let args = asStringList(container.args) ?? [];
  if (patch.args === null) args = [];
  else if (patch.args !== undefined) args = asStringList(patch.args) ?? [];
  args.push(...(asStringList(patch.addArgs) ?? []));
  const removed = new Set(asStringList(patch.delArgs) ?? []);
  args = args.filter((arg) => !removed.has(arg));
  if (args.length > 0) container.args = args;
  else delete container.args;
}

/** KubeVela's `command`: `command`, `args` (replace), `addArgs`, `delArgs`, per `containerName` or `containers[]`. */
export const commandTrait: TraitRenderer = {
  type: 'command',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const patches = Array.isArray(properties.containers) ? properties.containers : [properties];
    for (const patch of patches) {
      if (!isObject(patch))
        throw invalid(`component "${componentName(render)}": trait command: containers[] must be objects`);
      patchContainer(render, patch);
    }
  },
};
