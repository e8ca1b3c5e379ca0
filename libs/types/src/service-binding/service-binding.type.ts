import type { TypeDescriptor } from '@berth/core';
import { ENV_NAME_PATTERN } from '../shared/schema-patterns';

/** The `service-binding` trait, exactly as KubeVela's. */
export const serviceBindingType: TypeDescriptor = {
  name: 'service-binding',
  category: 'trait',
  description: "Binds keys of cloud components' connection secrets to a workload's environment variables",
  schema: {
    type: 'object',
    properties: {
      envMappings: {
        type: 'object',
        description: 'Environment variable name → where its value comes from',
        propertyNames: { pattern: ENV_NAME_PATTERN },
        minProperties: 1,
        additionalProperties: {
          type: 'object',
          properties: {
            secret: {
              type: 'string',
              minLength: 1,
              description: 'Name of a cloud component of this application, or of its connection secret',
            },
            key: {
              type: 'string',
              minLength: 1,
              description: 'Key of the connection secret; default: the environment variable name',
            },
          },
          required: ['secret'],
          additionalProperties: false,
        },
      },
    },
    required: ['envMappings'],
    additionalProperties: false,
  },
};
