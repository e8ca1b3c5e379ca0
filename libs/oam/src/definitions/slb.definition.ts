import { cloudSchema } from './cloud-common.schema';
import { CLOUD_ID_PATTERN, DNS_LABEL_PATTERN, INSTANCE_NAME_PATTERN, ZONE_PATTERN } from './schema-patterns';
import type { TypeDefinition } from './type-definition';

const port = { type: 'integer', minimum: 1, maximum: 65535 };

export const slbDefinition: TypeDefinition = {
  name: 'slb',
  kind: 'component',
  category: 'cloud',
  description: 'A server load balancer with its listeners',
  schema: cloudSchema({
    name: { type: 'string', pattern: INSTANCE_NAME_PATTERN, description: 'Display name of the load balancer' },
    addressType: {
      type: 'string',
      enum: ['intranet', 'internet'],
      default: 'intranet',
      description: 'Private address in the network, or a public one',
    },
    spec: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      default: 'slb.s1.small',
      description: 'Instance specification',
    },
    network: {
      type: 'string',
      pattern: DNS_LABEL_PATTERN,
      description: 'Name of a `vpc` component of this application to place the load balancer in',
    },
    vswitchId: {
      type: 'string',
      pattern: CLOUD_ID_PATTERN,
      description: 'Id of an existing vSwitch to place the load balancer in (instead of `network`)',
    },
    zone: { type: 'string', pattern: ZONE_PATTERN, description: 'Primary zone; chosen by the provider when absent' },
    listeners: {
      type: 'array',
      description: 'Ports the load balancer listens on',
      items: {
        type: 'object',
        properties: {
          port: { ...port, description: 'Port clients connect to' },
          protocol: { type: 'string', enum: ['tcp', 'udp', 'http', 'https'], default: 'tcp', description: 'Protocol' },
          backendPort: { ...port, description: 'Port of the backends; default: the same as port' },
        },
        required: ['port'],
        additionalProperties: false,
      },
      default: [],
    },
  }),
};
