import type { JsonObject, PropertyProblem, TypeCheck, TypeDescriptor } from '@berth/core';
import { WORKLOAD_PORT_PROPERTIES, workloadSchema } from './workload-properties.schema';

const MINUTE = 60_000;

/** Items of `list` repeating an earlier item's `field`. */
function repeats(list: unknown, property: string, field: string): PropertyProblem[] {
  if (!Array.isArray(list)) return [];
  const seen = new Map<unknown, number>();
  const problems: PropertyProblem[] = [];
  list.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || !Object.hasOwn(item, field)) return;
    const value = (item as JsonObject)[field];
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else
      problems.push({
        path: [property, i, field],
        message: `repeats ${String(value)} (already at ${property}[${first}])`,
      });
  });
  return problems;
}

export const portOrPorts: TypeCheck = (p) =>
  Object.hasOwn(p, 'port') && Object.hasOwn(p, 'ports')
    ? [{ path: ['ports'], message: 'give either port or ports, not both' }]
    : [];
export const uniquePorts: TypeCheck = (p) => repeats(p.ports, 'ports', 'port');
export const uniqueEnv: TypeCheck = (p) => repeats(p.env, 'env', 'name');
/** KubeVela's volumeMounts replaced volumes; one component gives one of them. */
export const volumeMountsOrVolumes: TypeCheck = (p) =>
  Object.hasOwn(p, 'volumeMounts') && Object.hasOwn(p, 'volumes')
    ? [{ path: ['volumes'], message: 'give either volumeMounts or the older volumes, not both' }]
    : [];

const replicas = { type: 'integer', minimum: 0, maximum: 1000, default: 1, description: 'Number of pods' };

/** The parameters of KubeVela's task, which cron-task shares. */
export const TASK_PROPERTIES: Record<string, JsonObject> = {
  count: { type: 'integer', minimum: 1, maximum: 1000, default: 1, description: 'Number of pods run in parallel' },
  restart: {
    type: 'string',
    enum: ['Never', 'OnFailure'],
    default: 'Never',
    description: 'Restart policy of the pods',
  },
};

export const webserviceType: TypeDescriptor = {
  name: 'webservice',
  category: 'workload',
  description: 'A long-running, scalable service reachable on its ports (a Deployment and a Service)',
  schema: workloadSchema({ ...WORKLOAD_PORT_PROPERTIES, replicas }),
  stepTimeoutMs: 10 * MINUTE,
  checks: [portOrPorts, uniquePorts, uniqueEnv, volumeMountsOrVolumes],
  workloadKind: 'Deployment',
};

export const workerType: TypeDescriptor = {
  name: 'worker',
  category: 'workload',
  description: 'A long-running background process with no network endpoint (a Deployment)',
  schema: workloadSchema({ replicas }),
  stepTimeoutMs: 10 * MINUTE,
  checks: [portOrPorts, uniqueEnv, volumeMountsOrVolumes],
  workloadKind: 'Deployment',
};

export const taskType: TypeDescriptor = {
  name: 'task',
  category: 'workload',
  description: 'A run-to-completion job (a Job)',
  schema: workloadSchema(TASK_PROPERTIES),
  stepTimeoutMs: 30 * MINUTE,
  checks: [portOrPorts, uniqueEnv, volumeMountsOrVolumes],
  workloadKind: 'Job',
};
