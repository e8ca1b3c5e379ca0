import * as k8s from '@kubernetes/client-node';
import { ProviderError, ProviderErrorCode, SecretScrubber } from '@berth/core';

interface StatusBody {
  reason?: string;
  message?: string;
}

/** KubernetesObjectApi hands the failed response's body over as text; the typed APIs as an object. */
function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

function codeForStatus(status: number, body: StatusBody): ProviderErrorCode {
  if (status === 401) return ProviderErrorCode.Unauthorized;
  if (status === 403)
    return /exceeded quota/i.test(body.message ?? '')
      ? ProviderErrorCode.QuotaExceeded
      : ProviderErrorCode.Unauthorized;
  if (status === 409) return ProviderErrorCode.Conflict;
  if (status === 408 || status === 504) return ProviderErrorCode.Timeout;
  if (status === 429 || status === 500 || status === 502 || status === 503) return ProviderErrorCode.Transient;
  if (status >= 400 && status < 500) return ProviderErrorCode.InvalidRequest; // 400, 404 (e.g. the namespace), 415, 422
  return ProviderErrorCode.Internal;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
]);

export interface ErrorContext {
  /** What was being done, e.g. `apply Deployment team-a/web`. */
  action: string;
  /** The caller's signal: an abort is reported as such, not as a network error. */
  signal?: AbortSignal;
  /** Values that must not leak into the message (connection secret values). */
  scrubber?: SecretScrubber;
}

/**
 * Maps whatever @kubernetes/client-node threw to a ProviderError at the runtime's boundary. The message carries the
 * action, the HTTP status, the Status reason and message (scrubbed of secret values), never the request body or
 * headers (ApiException's own message embeds them, so it is not used and not kept as the cause).
 */
export function toProviderError(error: unknown, context: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const scrub = (text: string) => (context.scrubber ? context.scrubber.scrub(text) : text);
  if (context.signal?.aborted) {
    const reason: unknown = context.signal.reason;
    const why = reason instanceof Error ? reason.message : String(reason ?? 'aborted');
    return new ProviderError(ProviderErrorCode.Timeout, `${context.action}: aborted (${scrub(why)})`);
  }
  if (error instanceof k8s.ApiException) {
    const status = Number(error.code);
    const body = statusBody(error.body);
    const reason = body.reason ? `${body.reason} ` : '';
    const message = body.message ? `: ${body.message}` : '';
    return new ProviderError(
      codeForStatus(status, body),
      scrub(`${context.action}: ${reason}(HTTP ${status})${message}`),
    );
  }
  const err = error as { name?: string; type?: string; code?: string; errno?: string; message?: string };
  if (err?.name === 'AbortError' || err?.type === 'aborted') {
    return new ProviderError(ProviderErrorCode.Timeout, `${context.action}: the API server did not answer in time`);
  }
  const code = err?.code ?? err?.errno;
  if (err?.name === 'FetchError' || (code !== undefined && NETWORK_CODES.has(code))) {
    const detail = code === 'ECONNREFUSED' ? 'connection refused' : (code ?? 'network error');
    return new ProviderError(
      ProviderErrorCode.Transient,
      scrub(`${context.action}: cannot reach the Kubernetes API server (${detail})`),
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/Unrecognized API version and kind/.test(message)) {
    return new ProviderError(ProviderErrorCode.InvalidRequest, scrub(`${context.action}: ${message}`));
  }
  return new ProviderError(ProviderErrorCode.Internal, scrub(`${context.action}: ${message}`));
}

/** True for a 404 answer (deleting or reading something that is not there). */
export function isNotFound(error: unknown): boolean {
  return error instanceof k8s.ApiException && Number(error.code) === 404;
}
