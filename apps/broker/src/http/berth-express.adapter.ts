import { createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { answerClientError } from './client-error';

export interface HttpServerSettings {
  /** Time a client has to send a whole request, headers and body (BERTH_REQUEST_TIMEOUT). */
  requestTimeoutMs: number;
}

/**
 * Nest's Express adapter with the service's own http server: the request and header timeouts of BERTH_REQUEST_TIMEOUT
 * (Node's defaults let a body that never arrives hold its connection for 5 minutes), checked often enough to be
 * precise; the Host header left for HostAndOriginMiddleware to judge (so a missing one is a problem+json too); and
 * problem+json answers to malformed framing.
 */
export class BerthExpressAdapter extends ExpressAdapter {
  constructor(private readonly settings: HttpServerSettings) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const timeout = this.settings.requestTimeoutMs;
    const server = createServer(
      {
        requestTimeout: timeout,
        headersTimeout: timeout,
        // Node checks the timeouts on this interval (default 30 s, which would add up to 30 s to each).
        connectionsCheckingInterval: Math.min(Math.max(Math.floor(timeout / 10), 100), 5_000),
        requireHostHeader: false,
      },
      this.getInstance(),
    );
    // An idle keep-alive connection is closed after 5 s (Node's default), never later than the request timeout.
    server.keepAliveTimeout = Math.min(5_000, timeout);
    server.on('clientError', answerClientError);
    this.setHttpServer(server);
  }
}
