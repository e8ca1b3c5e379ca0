import type { JsonObject } from '@berth/core';
import { ENV_NAME_PATTERN, QUANTITY_PATTERN } from './schema-patterns';

/**
 * JSON Schema fragments of the Kubernetes-shaped parameters KubeVela's built-in workloads and traits take (env
 * entries, probes, volumes, host aliases, quantities), shared by the definitions that use them.
 */

export const STRING_LIST: JsonObject = { type: 'array', items: { type: 'string' } };
export const STRING_MAP: JsonObject = { type: 'object', additionalProperties: { type: 'string' } };
export const PORT_NUMBER: JsonObject = { type: 'integer', minimum: 1, maximum: 65535 };
export const CPU_QUANTITY: JsonObject = {
  type: ['string', 'number'],
  pattern: QUANTITY_PATTERN,
  description: 'CPU, e.g. 0.5 or 500m',
};
export const MEMORY_QUANTITY: JsonObject = {
  type: 'string',
  pattern: QUANTITY_PATTERN,
  description: 'Memory, e.g. 512Mi',
};
export const RESOURCE_AMOUNTS: JsonObject = {
  type: 'object',
  properties: { cpu: CPU_QUANTITY, memory: MEMORY_QUANTITY },
  additionalProperties: false,
};

const KEY_REF: JsonObject = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } },
  required: ['name', 'key'],
  additionalProperties: false,
};

/** `env[]`: `{name, value}` or `{name, valueFrom: {secretKeyRef | configMapKeyRef: {name, key}}}`. */
export const ENV_LIST: JsonObject = {
  type: 'array',
  description: 'Environment variables: a value, or valueFrom a key of a Secret or ConfigMap',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'Variable name' },
      value: { type: 'string', description: 'Variable value' },
      valueFrom: {
        type: 'object',
        description: 'Where the value comes from (secretKeyRef or configMapKeyRef)',
        properties: { secretKeyRef: KEY_REF, configMapKeyRef: KEY_REF },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
    },
    required: ['name'],
    additionalProperties: false,
  },
};

/** KubeVela's HealthProbe: one handler (exec, httpGet, grpc, tcpSocket) and its timing. */
export const HEALTH_PROBE: JsonObject = {
  type: 'object',
  description: 'A probe: exec, httpGet, grpc or tcpSocket, with initialDelaySeconds, periodSeconds, …',
  properties: {
    exec: { type: 'object', properties: { command: STRING_LIST }, required: ['command'], additionalProperties: false },
    httpGet: {
      type: 'object',
      properties: {
        path: { type: 'string' },
        port: PORT_NUMBER,
        host: { type: 'string' },
        scheme: { type: 'string', enum: ['HTTP', 'HTTPS'] },
        httpHeaders: {
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, value: { type: 'string' } },
            required: ['name', 'value'],
            additionalProperties: false,
          },
        },
      },
      required: ['port'],
      additionalProperties: false,
    },
    grpc: {
      type: 'object',
      properties: { port: PORT_NUMBER, service: { type: 'string' } },
      required: ['port'],
      additionalProperties: false,
    },
    tcpSocket: { type: 'object', properties: { port: PORT_NUMBER }, required: ['port'], additionalProperties: false },
    initialDelaySeconds: { type: 'integer', minimum: 0, default: 0 },
    periodSeconds: { type: 'integer', minimum: 1, default: 10 },
    timeoutSeconds: { type: 'integer', minimum: 1, default: 1 },
    successThreshold: { type: 'integer', minimum: 1, default: 1 },
    failureThreshold: { type: 'integer', minimum: 1, default: 3 },
  },
  additionalProperties: false,
};

export const HOST_ALIASES: JsonObject = {
  type: 'array',
  description: 'Extra /etc/hosts entries of the pod',
  items: {
    type: 'object',
    properties: { ip: { type: 'string', minLength: 1 }, hostnames: { ...STRING_LIST, minItems: 1 } },
    required: ['ip', 'hostnames'],
    additionalProperties: false,
  },
};

const MOUNT = {
  name: { type: 'string', minLength: 1 },
  mountPath: { type: 'string', minLength: 1 },
  subPath: { type: 'string' },
};
const KEY_PROJECTIONS: JsonObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: { key: { type: 'string' }, path: { type: 'string' }, mode: { type: 'integer', default: 511 } },
    required: ['key', 'path'],
    additionalProperties: false,
  },
};
const mountList = (extra: Record<string, JsonObject>, required: string[] = []): JsonObject => ({
  type: 'array',
  items: {
    type: 'object',
    properties: { ...MOUNT, ...extra },
    required: ['name', 'mountPath', ...required],
    additionalProperties: false,
  },
});

/** KubeVela's `volumeMounts: {pvc, configMap, secret, emptyDir, hostPath}`. */
export const VOLUME_MOUNTS: JsonObject = {
  type: 'object',
  description: 'Volumes mounted into the container, by kind: pvc, configMap, secret, emptyDir, hostPath',
  properties: {
    pvc: mountList({ claimName: { type: 'string', minLength: 1 } }, ['claimName']),
    configMap: mountList(
      {
        cmName: { type: 'string', minLength: 1 },
        defaultMode: { type: 'integer', default: 420 },
        items: KEY_PROJECTIONS,
      },
      ['cmName'],
    ),
    secret: mountList(
      {
        secretName: { type: 'string', minLength: 1 },
        defaultMode: { type: 'integer', default: 420 },
        items: KEY_PROJECTIONS,
      },
      ['secretName'],
    ),
    emptyDir: mountList({ medium: { type: 'string', enum: ['', 'Memory'], default: '' } }),
    hostPath: mountList({ path: { type: 'string', minLength: 1 } }, ['path']),
  },
  additionalProperties: false,
};

/** KubeVela's older `volumes[] {name, mountPath, type, …}` (deprecated there in favour of volumeMounts). */
export const LEGACY_VOLUMES: JsonObject = {
  type: 'array',
  description: 'Deprecated in KubeVela (use volumeMounts): volumes by type pvc, configMap, secret, emptyDir',
  items: {
    type: 'object',
    properties: {
      ...MOUNT,
      type: { type: 'string', enum: ['pvc', 'configMap', 'secret', 'emptyDir'] },
      claimName: { type: 'string' },
      cmName: { type: 'string' },
      secretName: { type: 'string' },
      defaultMode: { type: 'integer', default: 420 },
      medium: { type: 'string', enum: ['', 'Memory'] },
      items: KEY_PROJECTIONS,
    },
    required: ['name', 'mountPath', 'type'],
    additionalProperties: false,
  },
};
