import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { HostPolicy, parseHostHeader, type RequestHost } from './host-policy';

function quoted(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** True when the Origin is the site the request was addressed to (same host and port; the scheme is the proxy's). */
function sameOrigin(origin: URL, host: RequestHost): boolean {
  const originPort = origin.port || DEFAULT_PORTS[origin.protocol];
  const hostPort = host.port ?? DEFAULT_PORTS[origin.protocol];
  return origin.hostname.replace(/^\[|\]$/g, '').toLowerCase() === host.name && originPort === hostPort;
}

/**
 * Refuses requests a web page could have made behind the user's back: a Host the service does not answer for (DNS
 * rebinding, 421) and a browser request from another origin (`Origin` header neither this site nor in
 * BERTH_ALLOWED_ORIGINS, 403). Clients that are not browsers send no Origin and are not affected.
 */
@Injectable()
export class HostAndOriginMiddleware implements NestMiddleware {
  private readonly hosts: HostPolicy;
  private readonly origins: ReadonlySet<string>;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    this.hosts = new HostPolicy(config.allowedHosts, config.host);
    this.origins = new Set(config.allowedOrigins ?? []);
  }

  use(request: Request, _response: Response, next: NextFunction): void {
    const header = request.headers.host;
    if (!header) {
      throw new BrokerError(BrokerErrorCode.BadRequest, 'the Host header is required', [
        { path: '/headers/host', message: 'is required' },
      ]);
    }
    const host = parseHostHeader(header);
    if (!host) {
      throw new BrokerError(BrokerErrorCode.BadRequest, `the Host header ${quoted(header)} is not a host name`, [
        { path: '/headers/host', message: 'must be a host name or an IP address, with an optional port' },
      ]);
    }
    if (!this.hosts.allows(host)) {
      throw new BrokerError(
        BrokerErrorCode.MisdirectedRequest,
        `this service does not answer for host ${quoted(host.name)}; an operator can add it to BERTH_ALLOWED_HOSTS`,
        [{ path: '/headers/host', message: `${quoted(host.name)} is not an allowed host` }],
      );
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, host)) {
      throw new BrokerError(
        BrokerErrorCode.Forbidden,
        `requests from origin ${quoted(origin)} are not accepted; an operator can add it to BERTH_ALLOWED_ORIGINS`,
        [{ path: '/headers/origin', message: `${quoted(origin)} is not an allowed origin` }],
      );
    }
    next();
  }

  private originAllowed(origin: string, host: RequestHost): boolean {
    if (this.origins.has(origin.toLowerCase())) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (sandboxed frames, file: pages) and anything else that is not an origin
    }
    return url.origin === origin.toLowerCase() && sameOrigin(url, host);
  }
}
