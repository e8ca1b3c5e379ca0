import type { JsonObject, TypeCheck, TypeDescriptor } from '@berth/core';

/** Pod-running kinds, as KubeVela's `appliesToWorkloads` lists them for container-patching traits. */
export const POD_WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;
/** Kinds with replicas (scaling, Services, ingress). */
export const SCALABLE_WORKLOADS = ['Deployment', 'StatefulSet'] as const;
export const ANY_WORKLOAD = '*';

/** A built-in trait: its schema (of `properties`) and the workload kinds it applies to. */
export function traitType(
  name: string,
  description: string,
  appliesToWorkloads: readonly string[],
  schema: JsonObject,
  checks: readonly TypeCheck[] = [],
): TypeDescriptor {
  return {
    name,
    category: 'trait',
    description,
    schema,
    appliesToWorkloads,
    ...(checks.length > 0 ? { checks } : {}),
  };
}

export function objectSchema(properties: Record<string, JsonObject>, required: string[] = []): JsonObject {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}
