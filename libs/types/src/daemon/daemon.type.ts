import type { TypeDescriptor } from '@berth/core';
import { WORKLOAD_PORT_PROPERTIES, workloadSchema } from '../workloads/workload-properties.schema';
import { portOrPorts, uniqueEnv, uniquePorts, volumeMountsOrVolumes } from '../workloads/workload.types';

/** `daemon`: KubeVela's one-pod-per-node service (a DaemonSet, and a Service for exposed ports). */
export const daemonType: TypeDescriptor = {
  name: 'daemon',
  category: 'workload',
  description: 'A service running one pod on every node (a DaemonSet, and a Service for its exposed ports)',
  schema: workloadSchema({ ...WORKLOAD_PORT_PROPERTIES }),
  stepTimeoutMs: 10 * 60_000,
  checks: [portOrPorts, uniquePorts, uniqueEnv, volumeMountsOrVolumes],
  workloadKind: 'DaemonSet',
};
