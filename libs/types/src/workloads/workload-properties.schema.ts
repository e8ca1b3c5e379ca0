import type { JsonObject } from '@berth/core';
import {
  CPU_QUANTITY,
  ENV_LIST,
  HEALTH_PROBE,
  HOST_ALIASES,
  LEGACY_VOLUMES,
  MEMORY_QUANTITY,
  PORT_NUMBER,
  RESOURCE_AMOUNTS,
  STRING_LIST,
  STRING_MAP,
  VOLUME_MOUNTS,
} from '../shared/kubernetes-fragments.schema';

/**
 * The parameters KubeVela's built-in container workloads share (webservice, worker, task, cron-task, daemon), as
 * its reference documents them; each type adds its own.
 */
export const WORKLOAD_COMMON_PROPERTIES: Readonly<Record<string, JsonObject>> = {
  labels: { ...STRING_MAP, description: 'Labels of the workload object and its pods' },
  annotations: { ...STRING_MAP, description: 'Annotations of the workload object and its pods' },
  image: { type: 'string', minLength: 1, maxLength: 512, description: 'Container image to run' },
  imagePullPolicy: {
    type: 'string',
    enum: ['Always', 'IfNotPresent', 'Never'],
    description: "When to pull the image; Kubernetes' default when absent",
  },
  imagePullSecrets: { ...STRING_LIST, description: 'Names of Secrets holding registry credentials' },
  cmd: { ...STRING_LIST, description: "Command (entrypoint) overriding the image's" },
  args: { ...STRING_LIST, description: 'Arguments to the command' },
  env: {
    ...ENV_LIST,
    description:
      'Environment variables: a value, or valueFrom a key of a Secret or ConfigMap (bound connection-secret keys ' +
      'are added by `service-binding`)',
  },
  cpu: { ...CPU_QUANTITY, description: 'CPU request (and limit unless `limit.cpu`), e.g. 0.5 or 500m' },
  memory: { ...MEMORY_QUANTITY, description: 'Memory request (and limit unless `limit.memory`), e.g. 512Mi' },
  limit: { ...RESOURCE_AMOUNTS, description: 'Resource limits when they differ from the requests' },
  volumeMounts: VOLUME_MOUNTS,
  volumes: LEGACY_VOLUMES,
  livenessProbe: { ...HEALTH_PROBE, description: 'Restarts the container when it fails' },
  readinessProbe: { ...HEALTH_PROBE, description: 'Takes the pod out of the Service while it fails' },
  hostAliases: HOST_ALIASES,
};

export const WORKLOAD_PORT_PROPERTIES: Readonly<Record<string, JsonObject>> = {
  port: {
    ...PORT_NUMBER,
    description: 'The port the container listens on, exposed by a Service (KubeVela: deprecated, use ports)',
  },
  ports: {
    type: 'array',
    description: 'Ports the container listens on; the Service exposes those with expose: true',
    items: {
      type: 'object',
      properties: {
        port: { ...PORT_NUMBER, description: 'Port number' },
        containerPort: { ...PORT_NUMBER, description: 'Container port when it differs from port' },
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$', description: 'Port name' },
        protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP', description: 'Protocol' },
        expose: { type: 'boolean', default: false, description: 'Expose the port through the Service' },
        nodePort: { type: 'integer', minimum: 30000, maximum: 32767, description: 'With exposeType NodePort' },
      },
      required: ['port'],
      additionalProperties: false,
    },
  },
  exposeType: {
    type: 'string',
    enum: ['ClusterIP', 'NodePort', 'LoadBalancer'],
    default: 'ClusterIP',
    description: 'Type of the Service of the exposed ports',
  },
};

export function workloadSchema(properties: Record<string, JsonObject>): JsonObject {
  return {
    type: 'object',
    properties: { ...WORKLOAD_COMMON_PROPERTIES, ...properties },
    required: ['image'],
    additionalProperties: false,
  };
}
