import { isIP } from 'node:net';
import { hostname } from 'node:os';

/** A Host header split into its name (lower case, no trailing dot, IPv6 without brackets) and port. */
export interface RequestHost {
  name: string;
  port?: string;
}

/** `Example.COM.:8080` → `{ name: 'example.com', port: '8080' }`; `[::1]:80` → `{ name: '::1', port: '80' }`. */
export function parseHostHeader(header: string): RequestHost | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s/@\\]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match) return undefined;
  const name = (match[1] ?? match[2] ?? '').toLowerCase().replace(/\.$/, '');
  if (name === '' || (match[1] !== undefined && isIP(name) !== 6)) return undefined;
  if (match[3] !== undefined && Number(match[3]) > 65535) return undefined;
  return { name, ...(match[3] !== undefined ? { port: match[3] } : {}) };
}

function isLoopbackAddress(name: string): boolean {
  return (isIP(name) === 4 && name.startsWith('127.')) || name === '::1' || name === '::ffff:127.0.0.1';
}

/** Names that always mean this machine: browsers resolve them to loopback themselves, so they cannot be rebound. */
function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Which Host header values the API answers. A web page can make a browser send requests to any address, but the
 * page's own DNS name stays in the Host header: answering only known names is what defeats DNS rebinding.
 *
 * Always: loopback addresses and `localhost` (a probe on 127.0.0.1 keeps working), and when bound to anything other
 * than loopback (0.0.0.0, ::, an interface) any IP address — an address cannot be rebound, and Kubernetes probes send
 * the pod's. With BERTH_ALLOWED_HOSTS: also those names (`*.example.com`: its subdomains; `*`: any). Without it: the
 * bound address and, bound elsewhere than loopback, this machine's host name; a name served behind a proxy or DNS has
 * to be listed.
 */
export class HostPolicy {
  private readonly any: boolean;
  private readonly anyAddress: boolean;
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(configured: readonly string[] | undefined, boundHost: string) {
    const bound = boundHost.toLowerCase().replace(/^\[|\]$/g, '');
    const boundToLoopback = isLoopbackAddress(bound) || isLoopbackName(bound);
    const entries = configured ?? [bound, ...(boundToLoopback ? [] : [hostname().toLowerCase()])];
    this.any = entries.includes('*');
    this.anyAddress = !boundToLoopback;
    for (const entry of entries) {
      const name = entry
        .toLowerCase()
        .replace(/^\[|\]$/g, '')
        .replace(/\.$/, '');
      if (name.startsWith('*.')) this.suffixes.push(name.slice(1));
      else if (name !== '' && name !== '*') this.exact.add(name);
    }
  }

  /** True when a request with this Host may be answered. */
  allows(host: RequestHost): boolean {
    if (this.any || isLoopbackAddress(host.name) || isLoopbackName(host.name)) return true;
    if (this.exact.has(host.name) || this.suffixes.some((suffix) => host.name.endsWith(suffix))) return true;
    return this.anyAddress && isIP(host.name) !== 0;
  }
}
