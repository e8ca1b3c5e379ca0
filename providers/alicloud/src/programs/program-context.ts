import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { ProviderError, ProviderErrorCode, type DependencyOutputs, type JsonObject } from '@berth/core';
import { fitName, type NameRule, type ProgramInput } from '@berth/pulumi';
import { profilePlacement, type Placement } from '../profile/default-network';
import { buildProviderArgs } from '../profile/provider-args';

export type Tags = Record<string, string>;

export interface ProgramContext {
  provider: alicloud.Provider;
  /** Options for every resource: the explicit provider. */
  opts: pulumi.CustomResourceOptions;
  invokeOpts: pulumi.InvokeOutputOptions;
  tags: Tags;
  /** A deterministic name from environment/application/component (+ extra parts) within a rule's limits. */
  name(rule: NameRule, ...extra: string[]): string;
}

export function berthTags(input: Pick<ProgramInput, 'environment' | 'application' | 'component'>): Tags {
  return {
    'berth:environment': input.environment,
    'berth:application': input.application,
    'berth:component': input.component,
  };
}

export function createProgramContext(input: ProgramInput): ProgramContext {
  const args = buildProviderArgs(input.profile, input.env);
  // A component may name its own region (KubeVela's customRegion); the profile's region is the default.
  const region = input.properties.region;
  if (typeof region === 'string' && region !== '') args.region = region;
  const provider = new alicloud.Provider('alicloud', args);
  return {
    provider,
    opts: { provider },
    invokeOpts: { provider },
    tags: berthTags(input),
    name: (rule, ...extra) => fitName(['berth', input.environment, input.application, input.component, ...extra], rule),
  };
}

export function invalid(message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, message);
}

export function str(props: JsonObject, key: string): string | undefined {
  const v = props[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(`property ${key} must be a string`);
}

export function requireStr(props: JsonObject, key: string, component: string): string {
  const v = str(props, key);
  if (v === undefined) throw invalid(`component "${component}": property ${key} is required`);
  return v;
}

export function num(props: JsonObject, key: string): number | undefined {
  const v = props[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw invalid(`property ${key} must be a number`);
  return n;
}

export function bool(props: JsonObject, key: string): boolean | undefined {
  const v = props[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid(`property ${key} must be true or false`);
}

/** The outputs of the `vpc` component named by `properties.network`, or undefined when none is named. */
export function networkDependency(input: ProgramInput): DependencyOutputs | undefined {
  const network = str(input.properties, 'network');
  if (network === undefined) return undefined;
  const dep = input.dependencies[network];
  if (dep === undefined) {
    throw invalid(
      `component "${input.component}": its network "${network}" has no outputs yet (is it a vpc component that was applied first?)`,
    );
  }
  if (dep.type !== 'vpc')
    throw invalid(`component "${input.component}": network "${network}" is a ${dep.type}, not a vpc`);
  for (const key of ['VPC_ID', 'VPC_CIDR', 'VSWITCH_ID']) {
    if (!dep.outputs[key]) throw invalid(`component "${input.component}": network "${network}" has no ${key} output`);
  }
  return dep;
}

/**
 * Where a component goes: its own `vswitchId`, else its network's vSwitch, else the profile's defaultNetwork /
 * defaultVswitch (the same decision PUT checks in profile/default-network.ts); an error naming vswitch_id without.
 */
export function placement(input: ProgramInput, what: string): Placement {
  const network = networkDependency(input);
  const own = str(input.properties, 'vswitchId');
  if (network || own)
    return {
      vswitchId: own ?? network!.outputs.VSWITCH_ID!,
      ...(network ? { vpcId: network.outputs.VPC_ID, cidr: network.outputs.VPC_CIDR } : {}),
      ...(network?.externalIds.securityGroupId ? { securityGroupId: network.externalIds.securityGroupId } : {}),
      from: own ? 'vswitch_id' : `network "${str(input.properties, 'network')}"`,
    };
  const fallback = profilePlacement(input.profile.settings ?? {});
  if (fallback) return fallback;
  throw invalid(
    `component "${input.component}": ${what} names no network and the profile has no defaultNetwork / defaultVswitch: set vswitch_id (vswitchId) or network`,
  );
}

const OPEN_WORLD = new Set(['0.0.0.0/0', '0.0.0.0']);

/**
 * An allow-list: `securityIps` as given (a list or a comma-separated string), else the network's CIDR. Never the
 * whole internet; without either, an error naming the property.
 */
export function readSecurityIps(value: unknown, networkCidr: string | undefined): string[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    if (networkCidr === undefined) throw invalid('securityIps is required when there is no network to allow');
    return [networkCidr];
  }
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) {
    throw invalid('securityIps must be a list of IP addresses or CIDR blocks');
  }
  const open = (list as string[]).find((ip) => OPEN_WORLD.has(ip));
  if (open !== undefined) throw invalid(`securityIps must not open the instance to the whole internet (${open})`);
  return list as string[];
}

export function output(value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(value);
}
