import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';

/** The bootstrap admin token a service wrote into its data dir on first start. */
export function readAdminToken(dataDir: string): string {
  return readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
}

/**
 * Gives every request that reaches `server` without an Authorization header the admin token, before the service
 * sees it: suites about something other than access control need no credentials of their own. A request that sends
 * its own Authorization (even an empty one) goes through as it is.
 */
export function authenticateRequests(server: Server, token: string): void {
  const listeners = server.listeners('request') as Array<(...args: unknown[]) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization === undefined) request.headers.authorization = `Bearer ${token}`;
    for (const listener of listeners) listener.call(server, request, response);
  });
}
