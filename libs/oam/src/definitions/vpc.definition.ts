import { cloudSchema } from './cloud-common.schema';
import { INSTANCE_NAME_PATTERN, IPV4_CIDR_PATTERN, ZONE_PATTERN } from './schema-patterns';
import type { TypeDefinition } from './type-definition';

export const vpcDefinition: TypeDefinition = {
  name: 'vpc',
  kind: 'component',
  category: 'cloud',
  description: 'A private network (VPC) with its vSwitches',
  schema: cloudSchema({
    name: { type: 'string', pattern: INSTANCE_NAME_PATTERN, description: 'Display name of the VPC' },
    description: { type: 'string', maxLength: 256, description: 'Description of the VPC' },
    cidr: {
      type: 'string',
      pattern: IPV4_CIDR_PATTERN,
      description: "CIDR block; allocated from the environment's pool without overlap when absent",
    },
    vswitches: {
      type: 'array',
      description: 'vSwitches (subnets) to create, one per zone',
      items: {
        type: 'object',
        properties: {
          zone: { type: 'string', pattern: ZONE_PATTERN, description: 'Zone of the vSwitch' },
          cidr: {
            type: 'string',
            pattern: IPV4_CIDR_PATTERN,
            description: "CIDR block inside the VPC's; allocated when absent",
          },
          name: { type: 'string', pattern: INSTANCE_NAME_PATTERN, description: 'Display name of the vSwitch' },
          description: { type: 'string', maxLength: 256, description: 'Description of the vSwitch' },
        },
        required: ['zone'],
        additionalProperties: false,
      },
      default: [],
    },
  }),
};
