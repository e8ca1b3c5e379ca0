import type { JsonObject } from '@berth/core';
import { readListeners } from '../programs/slb.program';
import { placementProblems } from './default-network';

type Problems = Array<{ path: string; message: string }>;
/** `settings`: the profile's settings (the default network a component without one goes into). */
type ComponentCheck = (properties: JsonObject, settings: JsonObject) => Problems;

const has = (properties: JsonObject, key: string) =>
  properties[key] !== undefined && properties[key] !== null && properties[key] !== '';

/** An allow-list entry opening the resource to the whole internet, as a problem at its index. */
function openToEveryone(ips: unknown, what: string): Problems {
  const list = typeof ips === 'string' ? ips.split(',') : Array.isArray(ips) ? ips : [];
  return list.flatMap((ip, i) =>
    String(ip).trim() === '0.0.0.0/0' || String(ip).trim() === '0.0.0.0'
      ? [{ path: `/securityIps/${i}`, message: `the allow-list must not open ${what} to the whole internet` }]
      : [],
  );
}

const rds: ComponentCheck = (properties, settings) => {
  const problems: Problems = [...placementProblems('rds', properties, settings, { allowList: true })];
  problems.push(...openToEveryone(properties.securityIps, 'the database'));
  const engine = String(properties.engine ?? 'mysql').toLowerCase();
  if (!['mysql', 'postgresql'].includes(engine))
    problems.push({ path: '/engine', message: 'engine is mysql or postgresql' });
  for (const key of ['engineVersion', 'instanceClass'])
    if (!has(properties, key)) problems.push({ path: `/${key}`, message: `${key} is required on Alibaba Cloud` });
  return problems;
};

const slb: ComponentCheck = (properties, settings) => {
  const problems: Problems = [];
  // An internet load balancer needs no vSwitch; an intranet one is placed like rds and redis.
  if ((properties.addressType ?? 'intranet') === 'intranet')
    problems.push(...placementProblems('slb', properties, settings, { allowList: false }));
  try {
    readListeners(properties.listeners);
  } catch (error) {
    problems.push({ path: '/listeners', message: (error as Error).message });
  }
  return problems;
};

const vpc: ComponentCheck = (properties) =>
  has(properties, 'cidr') ? [] : [{ path: '/cidr', message: 'cidr is required (allocated by the broker when absent)' }];

const redis: ComponentCheck = (properties, settings) => {
  const problems: Problems = [...placementProblems('redis', properties, settings, { allowList: true })];
  if (!has(properties, 'instanceClass'))
    problems.push({ path: '/instanceClass', message: 'instanceClass is required on Alibaba Cloud' });
  problems.push(...openToEveryone(properties.securityIps, 'Redis'));
  return problems;
};

/** What each type needs on Alibaba Cloud beyond its schema, checked at PUT (the programs would refuse it later). */
export const ALICLOUD_COMPONENT_CHECKS: Readonly<Record<string, ComponentCheck>> = { rds, slb, vpc, redis };
