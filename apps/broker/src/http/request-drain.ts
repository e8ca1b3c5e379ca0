import type { IncomingMessage } from 'node:http';

/**
 * How much of a refused body is read and thrown away before the answer goes out. Past it the answer is sent at once
 * and the connection closed, which a client that is still sending sees as a reset.
 */
export const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/** True while the request still has body bytes the service has not read. */
export function hasUnreadBody(request: IncomingMessage): boolean {
  if (request.complete || request.readableEnded || request.destroyed) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/**
 * Reads what is left of a request body, discarding it, up to `maxBytes`. Resolves true once the body has ended,
 * false when it was cut short (too much, or the connection went away).
 *
 * Why before answering: a client that writes its whole body before it reads (Python's urllib, many scripts) and asks
 * for `Connection: close` would otherwise see the socket closed under its upload — a broken pipe instead of the 413
 * or 415 the service gave. The request timeout (BERTH_REQUEST_TIMEOUT) bounds how long a slow sender can hold this.
 */
export function drainRequestBody(request: IncomingMessage, maxBytes = MAX_DRAINED_BYTES): Promise<boolean> {
  if (!hasUnreadBody(request)) return Promise.resolve(!request.destroyed);
  // A body announced larger than the budget will not end within it: answer at once.
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared - request.socket.bytesRead > maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let drained = 0;
    const finish = (ended: boolean) => {
      request.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      if (!ended) request.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(request.complete);
    request.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
    request.resume();
  });
}
