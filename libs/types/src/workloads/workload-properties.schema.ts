import type { JsonObject } from '@berth/core';
import { ENV_NAME_PATTERN, QUANTITY_PATTERN } from '../shared/schema-patterns';

/** Properties every workload type shares (container image, command, environment, resources). */
export const WORKLOAD_COMMON_PROPERTIES: Readonly<Record<string, JsonObject>> = {
  image: { type: 'string', minLength: 1, maxLength: 512, description: 'Container image to run' },
  imagePullPolicy: {
    type: 'string',
    enum: ['Always', 'IfNotPresent', 'Never'],
    description: "When to pull the image; Kubernetes' default when absent",
  },
  cmd: { type: 'array', items: { type: 'string' }, description: "Command (entrypoint) overriding the image's" },
  args: { type: 'array', items: { type: 'string' }, description: 'Arguments to the command' },
  env: {
    type: 'array',
    description: 'Environment variables (bound connection-secret keys are added by `service-binding`)',
    items: {
      type: 'object',
      properties: {
        name: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'Variable name' },
        value: { type: 'string', description: 'Variable value' },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  cpu: {
    type: ['string', 'number'],
    pattern: QUANTITY_PATTERN,
    description: 'CPU request and limit, e.g. 0.5 or 500m',
  },
  memory: { type: 'string', pattern: QUANTITY_PATTERN, description: 'Memory request and limit, e.g. 512Mi' },
};

const PORT = { type: 'integer', minimum: 1, maximum: 65535 };

export const WORKLOAD_PORT_PROPERTIES: Readonly<Record<string, JsonObject>> = {
  port: { ...PORT, description: 'The port the container listens on, exposed by a Service (shorthand for ports)' },
  ports: {
    type: 'array',
    description: 'Ports the container listens on',
    items: {
      type: 'object',
      properties: {
        port: { ...PORT, description: 'Container port' },
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$', description: 'Port name' },
        protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP', description: 'Protocol' },
        expose: { type: 'boolean', default: false, description: 'Expose the port through the Service' },
      },
      required: ['port'],
      additionalProperties: false,
    },
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
