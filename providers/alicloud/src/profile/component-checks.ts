import type { JsonObject } from '@berth/core';

type Problems = Array<{ path: string; message: string }>;

/**
 * What a type needs on Alibaba Cloud beyond its schema, checked at PUT (the program would refuse it later). Each
 * type's check sits beside its program (programs/<type>.program.ts). `settings`: the profile's settings (the default
 * network a component without one goes into).
 */
export type ComponentCheck = (properties: JsonObject, settings: JsonObject) => Problems;

/** Whether the property is given (not absent, null or empty). */
export const has = (properties: JsonObject, key: string) =>
  properties[key] !== undefined && properties[key] !== null && properties[key] !== '';

/** An allow-list entry opening the resource to the whole internet, as a problem at its index. */
export function openToEveryone(ips: unknown, what: string): Problems {
  const list = typeof ips === 'string' ? ips.split(',') : Array.isArray(ips) ? ips : [];
  return list.flatMap((ip, i) =>
    String(ip).trim() === '0.0.0.0/0' || String(ip).trim() === '0.0.0.0'
      ? [{ path: `/securityIps/${i}`, message: `the allow-list must not open ${what} to the whole internet` }]
      : [],
  );
}
