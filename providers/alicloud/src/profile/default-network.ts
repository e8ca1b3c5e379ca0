import { jsonPointer, type JsonObject, type ValidationProblem } from '@berth/core';

/**
 * Where a component that names no network of its own goes: the profile's `defaultNetwork` (an existing vSwitch with
 * its VPC and CIDR block, the CIDR being the default allow-list) or `defaultVswitch` (an existing vSwitch id alone,
 * then the component's `securityIps` is required). KubeVela's alibaba-rds takes `vswitch_id` as optional; on Berth a
 * component without network, vswitch id or a profile default is refused at PUT, naming `vswitch_id`.
 */
export interface DefaultNetworkSettings {
  vswitchId: string;
  vpcId?: string;
  cidr?: string;
}

export interface Placement {
  vswitchId: string;
  vpcId?: string;
  /** The CIDR block of the network, when known: the allow-list when the component gives none. */
  cidr?: string;
  securityGroupId?: string;
  /** What placed it, for messages: `network "<name>"`, `vswitchId`, `the profile's defaultNetwork`, … */
  from: string;
}

const VSWITCH_ID = /^vsw-[0-9a-z]{4,}$/;
const VPC_ID = /^vpc-[0-9a-z]{4,}$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Problems of the `defaultNetwork` / `defaultVswitch` settings (paths relative to `settings`). */
export function validateDefaultNetwork(settings: JsonObject): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const { defaultNetwork, defaultVswitch } = settings;
  if (defaultNetwork !== undefined && defaultVswitch !== undefined)
    problems.push({ path: '/defaultVswitch', message: 'give either defaultNetwork or defaultVswitch, not both' });
  if (defaultVswitch !== undefined && !(typeof defaultVswitch === 'string' && VSWITCH_ID.test(defaultVswitch)))
    problems.push({ path: '/defaultVswitch', message: 'defaultVswitch must be a vSwitch id (vsw-…)' });
  if (defaultNetwork !== undefined) {
    if (!isObject(defaultNetwork)) {
      problems.push({ path: '/defaultNetwork', message: 'defaultNetwork must be an object {vswitchId, vpcId, cidr}' });
      return problems;
    }
    const { vswitchId, vpcId, cidr } = defaultNetwork;
    if (!(typeof vswitchId === 'string' && VSWITCH_ID.test(vswitchId)))
      problems.push({ path: '/defaultNetwork/vswitchId', message: 'vswitchId is required: a vSwitch id (vsw-…)' });
    if (vpcId !== undefined && !(typeof vpcId === 'string' && VPC_ID.test(vpcId)))
      problems.push({ path: '/defaultNetwork/vpcId', message: 'vpcId must be a VPC id (vpc-…)' });
    if (!(typeof cidr === 'string' && CIDR.test(cidr)))
      problems.push({
        path: '/defaultNetwork/cidr',
        message: "cidr is required: the network's CIDR block (the default allow-list), e.g. 10.0.0.0/16",
      });
    for (const key of Object.keys(defaultNetwork))
      if (!['vswitchId', 'vpcId', 'cidr'].includes(key))
        problems.push({ path: jsonPointer('defaultNetwork', key), message: `unknown defaultNetwork setting "${key}"` });
  }
  return problems;
}

/** The profile's default placement, if it names one (call after validateDefaultNetwork found no problem). */
export function profilePlacement(settings: JsonObject): Placement | undefined {
  const network = settings.defaultNetwork as DefaultNetworkSettings | undefined;
  if (network)
    return {
      vswitchId: network.vswitchId,
      ...(network.vpcId ? { vpcId: network.vpcId } : {}),
      ...(network.cidr ? { cidr: network.cidr } : {}),
      from: "the profile's defaultNetwork",
    };
  const vswitch = settings.defaultVswitch;
  return typeof vswitch === 'string' ? { vswitchId: vswitch, from: "the profile's defaultVswitch" } : undefined;
}

const given = (properties: JsonObject, key: string) =>
  properties[key] !== undefined && properties[key] !== null && properties[key] !== '';

/**
 * PUT-time problems of a component's placement (paths relative to its properties), the same decision the programs
 * take: its `network`, else its `vswitchId`, else the profile default; without a known CIDR, `securityIps` is needed.
 */
export function placementProblems(
  type: string,
  properties: JsonObject,
  settings: JsonObject,
  options: { allowList: boolean },
): ValidationProblem[] {
  if (given(properties, 'network')) return [];
  const fallback = profilePlacement(settings);
  if (!given(properties, 'vswitchId') && fallback === undefined)
    return [
      {
        path: '',
        message:
          `names no network, and the environment's provider profile has no default: set vswitch_id (vswitchId) to ` +
          `an existing vSwitch, or network to a vpc component of this application, or give the profile a ` +
          `defaultNetwork / defaultVswitch setting (on Alibaba Cloud a ${type} is placed in a vSwitch)`,
      },
    ];
  const cidrKnown = !given(properties, 'vswitchId') && fallback?.cidr !== undefined;
  if (options.allowList && !cidrKnown && !given(properties, 'securityIps'))
    return [
      {
        path: '',
        message:
          `securityIps (security_ips) is required: the ${type} is placed by ${given(properties, 'vswitchId') ? 'vswitch_id' : fallback!.from}, ` +
          `whose CIDR block Berth does not know (the default allow-list); set securityIps, or defaultNetwork.cidr in the profile`,
      },
    ];
  return [];
}
