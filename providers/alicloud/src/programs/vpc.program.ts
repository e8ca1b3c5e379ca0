import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { NAME_RULES } from '../naming/resource-names';
import { createProgramContext, invalid, requireStr } from './program-context';
import type { ProgramInput, ProgramOutputs } from '@berth/pulumi';
import { has, type ComponentCheck } from '../profile/component-checks';

interface VSwitchSpec {
  zone?: string;
  cidr: string;
}

/** vpc: a Network with the request's CIDR, one Switch per vSwitch, and a security group for the application. */
export async function vpcProgram(input: ProgramInput): Promise<ProgramOutputs> {
  const ctx = createProgramContext(input);
  const cidr = requireStr(input.properties, 'cidr', input.component);
  const vswitches = readVSwitches(input.properties.vswitches, cidr);

  // Asked only when some vSwitch has no zone: the first zone able to create a VSwitch.
  const firstZone = vswitches.some((v) => v.zone === undefined)
    ? alicloud.getZonesOutput({ availableResourceCreation: 'VSwitch' }, ctx.invokeOpts).apply((r) => {
        const zone = r.zones[0]?.id;
        if (zone === undefined) throw invalid('no zone of this region reports that it can create a VSwitch');
        return zone;
      })
    : undefined;

  const network = new alicloud.vpc.Network(
    'network',
    { vpcName: ctx.name(NAME_RULES.network), cidrBlock: cidr, description: 'managed by berth', tags: ctx.tags },
    ctx.opts,
  );
  const switches = vswitches.map(
    (v, i) =>
      new alicloud.vpc.Switch(
        `vswitch-${i}`,
        {
          vswitchName: ctx.name(NAME_RULES.network, String(i)),
          vpcId: network.id,
          cidrBlock: v.cidr,
          zoneId: v.zone ?? (firstZone as pulumi.Output<string>),
          tags: ctx.tags,
        },
        ctx.opts,
      ),
  );
  const securityGroup = new alicloud.ecs.SecurityGroup(
    'security-group',
    {
      securityGroupName: ctx.name(NAME_RULES.network),
      vpcId: network.id,
      description: `application ${input.application} in ${input.environment}`,
      tags: ctx.tags,
    },
    ctx.opts,
  );

  const switchIds = pulumi.all(switches.map((s) => s.id));
  return {
    connection: {
      VPC_ID: network.id,
      VPC_CIDR: network.cidrBlock,
      VSWITCH_ID: switches[0]!.id,
      VSWITCH_IDS: switchIds.apply((ids) => ids.join(',')),
    },
    externalIds: {
      vpcId: network.id,
      vswitchIds: switchIds.apply((ids) => ids.join(',')),
      securityGroupId: securityGroup.id,
    },
  };
}

function readVSwitches(value: unknown, vpcCidr: string): VSwitchSpec[] {
  if (value === undefined || value === null) return [{ cidr: vpcCidr }];
  if (!Array.isArray(value)) throw invalid('property vswitches must be a list of {zone, cidr}');
  if (value.length === 0) return [{ cidr: vpcCidr }];
  return value.map((v, i) => {
    if (typeof v !== 'object' || v === null || typeof (v as { cidr?: unknown }).cidr !== 'string') {
      throw invalid(`vswitches[${i}] needs a cidr`);
    }
    const { zone, cidr } = v as { zone?: unknown; cidr: string };
    if (zone !== undefined && typeof zone !== 'string') throw invalid(`vswitches[${i}].zone must be a zone id`);
    return { cidr, ...(typeof zone === 'string' && zone !== '' ? { zone } : {}) };
  });
}

/** What vpc needs on Alibaba Cloud beyond its schema, checked at PUT. */
export const vpcCheck: ComponentCheck = (properties) =>
  has(properties, 'cidr') ? [] : [{ path: '/cidr', message: 'cidr is required (allocated by the broker when absent)' }];
