import type { TypeCheck, TypeReference } from '@berth/core';

/** `network` names a vpc component of the application: the resource is placed in it (and depends on it). */
export const NETWORK_REFERENCE: TypeReference = { property: 'network', type: 'vpc' };

/** A resource placed in the network or in an existing vSwitch, not both. */
export const networkOrVswitch: TypeCheck = (p) =>
  Object.hasOwn(p, 'network') && Object.hasOwn(p, 'vswitchId')
    ? [{ path: ['vswitchId'], message: 'give either network (a vpc component) or vswitchId, not both' }]
    : [];
