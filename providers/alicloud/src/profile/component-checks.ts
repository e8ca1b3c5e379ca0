import type { JsonObject } from '@berth/core';
import { readListeners } from '../programs/slb.program';

type Problems = Array<{ path: string; message: string }>;
type ComponentCheck = (properties: JsonObject) => Problems;

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

const rds: ComponentCheck = (properties) => {
  const problems: Problems = [];
  if (!has(properties, 'network'))
    problems.push({
      path: '/network',
      message: 'on Alibaba Cloud an rds component needs network: the name of a vpc component',
    });
  problems.push(...openToEveryone(properties.securityIps, 'the database'));
  const engine = String(properties.engine ?? 'mysql').toLowerCase();
  if (!['mysql', 'postgresql'].includes(engine))
    problems.push({ path: '/engine', message: 'engine is mysql or postgresql' });
  for (const key of ['engineVersion', 'instanceClass'])
    if (!has(properties, key)) problems.push({ path: `/${key}`, message: `${key} is required on Alibaba Cloud` });
  return problems;
};

const slb: ComponentCheck = (properties) => {
  const problems: Problems = [];
  if ((properties.addressType ?? 'intranet') === 'intranet' && !has(properties, 'network')) {
    problems.push({
      path: '/network',
      message: 'an intranet load balancer needs network: the name of a vpc component',
    });
  }
  try {
    readListeners(properties.listeners);
  } catch (error) {
    problems.push({ path: '/listeners', message: (error as Error).message });
  }
  return problems;
};

const vpc: ComponentCheck = (properties) =>
  has(properties, 'cidr') ? [] : [{ path: '/cidr', message: 'cidr is required (allocated by the broker when absent)' }];

const redis: ComponentCheck = (properties) => {
  const problems: Problems = [];
  if (!has(properties, 'network') && !has(properties, 'vswitchId'))
    problems.push({
      path: '/network',
      message: 'on Alibaba Cloud a redis component needs network (the name of a vpc component) or vswitchId',
    });
  if (!has(properties, 'instanceClass'))
    problems.push({ path: '/instanceClass', message: 'instanceClass is required on Alibaba Cloud' });
  problems.push(...openToEveryone(properties.securityIps, 'Redis'));
  return problems;
};

/** What each type needs on Alibaba Cloud beyond its schema, checked at PUT (the programs would refuse it later). */
export const ALICLOUD_COMPONENT_CHECKS: Readonly<Record<string, ComponentCheck>> = { rds, slb, vpc, redis };
