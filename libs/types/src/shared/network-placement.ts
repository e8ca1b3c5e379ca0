import type { JsonObject, TypeCheck, TypeReference } from '@berth/core';
import { ipList, rename, type AliasEntry } from './kubevela-conversions';
import { CLOUD_ID_PATTERN, DNS_LABEL_PATTERN, IPV4_OR_CIDR_PATTERN } from './schema-patterns';

/** `network` names a vpc component of the application: the resource is placed in it (and depends on it). */
export const NETWORK_REFERENCE: TypeReference = { property: 'network', type: 'vpc' };

/** A resource placed in the network or in an existing vSwitch, not both. */
export const networkOrVswitch: TypeCheck = (p) =>
  Object.hasOwn(p, 'network') && Object.hasOwn(p, 'vswitchId')
    ? [{ path: ['vswitchId'], message: 'give either network (a vpc component) or vswitchId, not both' }]
    : [];

/**
 * The schema of where a resource is placed: `network` (a vpc component) or `vswitchId` (an existing vSwitch), and,
 * for a resource with an allow-list, `securityIps` (default the network's CIDR, never 0.0.0.0/0). `what` names the
 * resource in the descriptions ("the instance", "the load balancer").
 */
export function networkPlacementSchema(
  what: string,
  options: { securityIps?: boolean } = {},
): Record<string, JsonObject> {
  return {
    network: {
      type: 'string',
      pattern: DNS_LABEL_PATTERN,
      description: `Name of a \`vpc\` component of this application to place ${what} in`,
    },
    vswitchId: {
      type: 'string',
      pattern: CLOUD_ID_PATTERN,
      description: `Id of an existing vSwitch to place ${what} in (instead of \`network\`)`,
    },
    ...(options.securityIps
      ? {
          securityIps: {
            type: 'array',
            items: { type: 'string', pattern: IPV4_OR_CIDR_PATTERN },
            minItems: 1,
            uniqueItems: true,
            description: "Addresses allowed to connect; default: the network's CIDR (never 0.0.0.0/0)",
          },
        }
      : {}),
  };
}

/** KubeVela's `vswitch_id` → `vswitchId`. */
export const vswitchIdAlias = (what: string): AliasEntry => [
  'vswitch_id',
  rename('vswitchId', `Id of the vSwitch to create ${what} in`),
];

/** KubeVela's `security_ips` (a list, or a comma-separated string) → `securityIps`. */
export const securityIpsAlias = (description: string): AliasEntry => [
  'security_ips',
  rename('securityIps', description, ipList),
];
