import type { JsonObject } from '@berth/core';
import type { WorkloadRender } from '../workload-render';

/** Pod-running kinds, as KubeVela's `appliesToWorkloads` names them (deployments.apps …) by kind. */
export const POD_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;
export const SCALABLE_KINDS = ['Deployment', 'StatefulSet'] as const;
export const ANY_KIND = '*';

/** How one trait type patches a component's objects and what it adds. */
export interface TraitRenderer {
  readonly type: string;
  /** Kinds of the component's workload object it applies to (KubeVela's appliesToWorkloads); `*` for any. */
  readonly appliesTo: readonly string[];
  apply(render: WorkloadRender, properties: JsonObject): void;
}
