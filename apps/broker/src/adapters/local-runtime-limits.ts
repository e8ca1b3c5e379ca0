import type { JsonObject, WorkloadComponentSpec } from '@berth/core';

/** Traits whose effect the local runtime carries out: env and bindings reach `berth env` / `berth run`. */
const APPLIED_TRAITS = new Set(['env', 'service-binding']);

/** Properties that shape a pod on a cluster and have no local counterpart, as the Application names them. */
const POD_ONLY_PROPERTIES = [
  'livenessProbe',
  'readinessProbe',
  'volumeMounts',
  'volumes',
  'hostAliases',
  'imagePullSecrets',
  'cpu',
  'memory',
  'limit',
  'schedule',
] as const;

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/**
 * What of a workload the local runtime (a local process with the bound environment) does not carry out: its
 * Kubernetes objects, ports exposure, probes, volumes, resources, schedule, env values taken from a Kubernetes Secret or
 * ConfigMap (`valueFrom`: it has none), and every trait but env and bindings.
 */
export function notAppliedLocally(component: WorkloadComponentSpec): string[] {
  const type = component.type as string;
  if (type === 'k8s-objects' || type === 'raw' || type === 'ref-objects')
    return [`type ${type} (its Kubernetes objects are applied by the kubernetes runtime only)`];
  const props: JsonObject = component.properties ?? {};
  const missing: string[] = [];
  const exposed = (Array.isArray(props.ports) ? props.ports : []).some(
    (port) => typeof port === 'object' && port !== null && (port as JsonObject).expose === true,
  );
  if (present(props.port) || exposed || present(props.exposeType))
    missing.push('ports exposure (port, ports[].expose, exposeType)');
  for (const property of POD_ONLY_PROPERTIES) if (present(props[property])) missing.push(property);
  for (const entry of Array.isArray(props.env) ? props.env : []) {
    const from = typeof entry === 'object' && entry !== null ? (entry as JsonObject).valueFrom : undefined;
    if (typeof from !== 'object' || from === null) continue;
    const [kind, ref] = Object.entries(from as JsonObject)[0] ?? ['valueFrom', undefined];
    const target = typeof ref === 'object' && ref !== null ? (ref as JsonObject) : {};
    missing.push(
      `env ${String((entry as JsonObject).name)} (valueFrom ${kind} ${String(target.name)}/${String(target.key)})`,
    );
  }
  for (const trait of component.traits ?? []) if (!APPLIED_TRAITS.has(trait.type)) missing.push(`trait ${trait.type}`);
  return missing;
}
