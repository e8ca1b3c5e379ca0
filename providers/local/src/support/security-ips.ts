import type { ResourceRequest } from '@berth/core';

/** `securityIps` as written: a comma-separated string or a list; entries trimmed, empty ones dropped. */
export function securityIpList(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.map(String) : [];
  return list.map((ip) => ip.trim()).filter(Boolean);
}

/** Whether an allow-list opens the resource to every address. */
export function opensToEveryone(value: unknown): boolean {
  return securityIpList(value).some((ip) => ip === '0.0.0.0/0' || ip === '0.0.0.0');
}

/**
 * The allow-list of a resource: `securityIps` when given, else the CIDR of its `network` (a vpc component), else
 * loopback only. Never 0.0.0.0/0 (the resources' validation refuses it). Recorded and reported; everything the local
 * provider runs listens on this machine's loopback, so nothing else could connect anyway.
 */
export function allowList(request: ResourceRequest): string[] {
  const given = securityIpList(request.properties.securityIps);
  if (given.length > 0) return given;
  const network = typeof request.properties.network === 'string' ? request.properties.network : undefined;
  const cidr = network ? request.dependencies[network]?.outputs.VPC_CIDR : undefined;
  return [cidr ?? '127.0.0.1/32'];
}
