import { cidrContains, type AliasDefault, type TypeCheck, type TypeDescriptor } from '@berth/core';
import { cloudSchema } from '../shared/cloud-common.schema';
import { kubeVelaAlias, mustBeTrue, rename, type AliasEntry } from '../shared/kubevela-conversions';
import { INSTANCE_NAME_PATTERN, IPV4_CIDR_PATTERN, ZONE_PATTERN } from '../shared/schema-patterns';

const VPC_PROPERTIES: AliasEntry[] = [
  ['vpc_cidr', rename('cidr', 'CIDR block of the VPC')],
  ['vpc_name', rename('name', 'Display name of the VPC')],
  ['vpc_description', rename('description', 'Description of the VPC')],
  ['create_vpc', { to: [], description: 'Must be true', convert: mustBeTrue('VPC') }],
  ['vpc_id', { unsupported: 'attaching to an existing VPC is not supported; declare the VPC as a component' }],
];

/** Each vSwitch's CIDR block lies inside the VPC's. */
const vswitchesInsideVpc: TypeCheck = (p) => {
  if (typeof p.cidr !== 'string' || !Array.isArray(p.vswitches)) return [];
  const cidr = p.cidr;
  return p.vswitches.flatMap((vswitch: unknown, i) =>
    typeof vswitch === 'object' &&
    vswitch !== null &&
    typeof (vswitch as { cidr?: unknown }).cidr === 'string' &&
    !cidrContains(cidr, (vswitch as { cidr: string }).cidr)
      ? [{ path: ['vswitches', i, 'cidr'], message: `must lie inside the VPC's CIDR block ${cidr}` }]
      : [],
  );
};

/** KubeVela's vpc and vswitch modules: VPC 172.16.0.0/12, vSwitch 172.16.0.0/18 in zone cn-beijing-a. */
const KUBEVELA_VPC_CIDR = '172.16.0.0/12';
const VPC_DEFAULTS: AliasDefault[] = [{ to: ['cidr'], value: KUBEVELA_VPC_CIDR, written: 'vpc_cidr' }];
const VSWITCH_DEFAULTS: AliasDefault[] = [
  ...VPC_DEFAULTS,
  { to: ['vswitches', '0', 'zone'], value: 'cn-beijing-a', written: 'zone_id' },
  // Only inside KubeVela's default VPC block; inside a block of the user's own, Berth allocates the vSwitch's.
  {
    to: ['vswitches', '0', 'cidr'],
    value: '172.16.0.0/18',
    written: 'vswitch_cidr',
    when: (p) => p.cidr === KUBEVELA_VPC_CIDR,
  },
];

/** `vpc`: a private network with its vSwitches (KubeVela's alibaba-vpc and alibaba-vswitch). */
export const vpcType: TypeDescriptor = {
  name: 'vpc',
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
  connectionKeys: [
    { name: 'VPC_ID', sensitive: false, description: 'VPC id' },
    { name: 'VPC_CIDR', sensitive: false, description: 'CIDR block of the VPC' },
    { name: 'VSWITCH_ID', sensitive: false, description: 'Id of the first vSwitch' },
    { name: 'VSWITCH_IDS', sensitive: false, description: 'Comma-separated ids of every vSwitch' },
  ],
  stepTimeoutMs: 10 * 60_000,
  checks: [vswitchesInsideVpc],
  aliases: [
    // alibaba-vpc alone keeps Berth's allocation from the environment's pool (no overlap); alibaba-vswitch takes
    // KubeVela's block, since its vswitch_cidr is written against that block.
    kubeVelaAlias('alibaba-vpc', 'vpc', VPC_PROPERTIES),
    kubeVelaAlias(
      'alibaba-vswitch',
      'vpc',
      [
        ...VPC_PROPERTIES,
        ['vswitch_cidr', { to: ['vswitches', '0', 'cidr'], description: 'CIDR block of the vSwitch' }],
        ['zone_id', { to: ['vswitches', '0', 'zone'], description: 'Availability zone id of the vSwitch' }],
        ['vswitch_name', { to: ['vswitches', '0', 'name'], description: 'Name of the vSwitch' }],
        ['vswitch_description', { to: ['vswitches', '0', 'description'], description: 'Description of the vSwitch' }],
      ],
      VSWITCH_DEFAULTS,
    ),
  ],
};
