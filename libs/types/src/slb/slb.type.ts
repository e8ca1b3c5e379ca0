import type { AliasDefault, TypeDescriptor } from '@berth/core';
import { cloudSchema } from '../shared/cloud-common.schema';
import { kubeVelaAlias, mustBeTrue, rename } from '../shared/kubevela-conversions';
import {
  NETWORK_REFERENCE,
  networkOrVswitch,
  networkPlacementSchema,
  vswitchIdAlias,
} from '../shared/network-placement';
import { INSTANCE_NAME_PATTERN, ZONE_PATTERN } from '../shared/schema-patterns';

const port = { type: 'integer', minimum: 1, maximum: 65535 };

/** KubeVela's slb module: an intranet slb.s2.small. */
const SLB_DEFAULTS: AliasDefault[] = [
  { to: ['addressType'], value: 'intranet', written: 'address_type' },
  { to: ['spec'], value: 'slb.s2.small', written: 'specification' },
];

/** `slb`: a server load balancer with its listeners (KubeVela's alibaba-slb). */

export const slbType: TypeDescriptor = {
  name: 'slb',
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
    ...networkPlacementSchema('the load balancer'),
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
  connectionKeys: [
    { name: 'SLB_ID', sensitive: false, description: 'Load balancer id' },
    { name: 'slbId', sensitive: false, description: 'Load balancer id (KubeVela alias of SLB_ID)' },
    { name: 'SLB_ADDRESS', sensitive: false, description: 'Address clients connect to' },
  ],
  stepTimeoutMs: 15 * 60_000,
  checks: [networkOrVswitch],
  references: [NETWORK_REFERENCE],
  aliases: [
    kubeVelaAlias(
      'alibaba-slb',
      'slb',
      [
        ['name', rename('name', 'Name of the load balancer')],
        ['slb_name', rename('name', 'Name of the load balancer')],
        ['load_balancer_name', rename('name', 'Name of the load balancer')],
        ['address_type', rename('addressType', 'intranet or internet')],
        ['specification', rename('spec', 'Instance specification')],
        ['load_balancer_spec', rename('spec', 'Instance specification')],
        vswitchIdAlias('the load balancer'),
        ['zone_id', rename('zone', 'Availability zone id')],
        ['createSlb', { to: [], description: 'Must be true', convert: mustBeTrue('load balancer') }],
        ['namePrefix', { unsupported: 'name prefixes are not supported; Berth derives names, or set name' }],
      ],
      SLB_DEFAULTS,
    ),
  ],
};
