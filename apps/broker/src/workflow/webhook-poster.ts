import { backoffDelayMs, realSleeper, type RetryPolicy, type Sleeper } from '@berth/core';

/** A webhook that does not answer 2xx in the end; the message names the status (or the network error), never the URL. */
export class WebhookError extends Error {}

export interface WebhookPosterOptions {
  /** Attempts and backoff between them (the lifecycle's retry tuning: 1 s doubling by default). */
  retry: RetryPolicy;
  /** Each attempt is abandoned after this long (default 10 s). */
  attemptTimeoutMs?: number;
  sleeper?: Sleeper;
}

export const DEFAULT_WEBHOOK_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  factor: 2,
};

/**
 * Posts JSON to a webhook (a workflow's notification or webhook step). A network error, a timeout, 429 and 5xx are
 * tried again with backoff; another non-2xx fails at once. The URL is a secret (Slack's carries its token): it is
 * never in an error, so a failure reads "the webhook answered 404".
 */
export class WebhookPoster {
  constructor(private readonly options: WebhookPosterOptions) {}

  async post(url: string, body: unknown, signal: AbortSignal): Promise<void> {
    const { retry, attemptTimeoutMs = 10_000, sleeper = realSleeper } = this.options;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(url, body, signal, attemptTimeoutMs);
      if (failure === undefined) return;
      signal.throwIfAborted();
      if (!failure.retryable || attempt >= retry.maxAttempts) {
        throw new WebhookError(`${failure.reason} (attempt ${attempt} of ${retry.maxAttempts})`);
      }
      await sleeper.sleep(backoffDelayMs(attempt, retry), signal);
    }
  }

  private async attempt(
    url: string,
    body: unknown,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<{ reason: string; retryable: boolean } | undefined> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      signal.throwIfAborted();
      return { reason: `the webhook could not be reached: ${networkReason(error, timeoutMs)}`, retryable: true };
    }
    // The body is read and dropped: it may echo the URL or its token.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return undefined;
    return {
      reason: `the webhook answered ${response.status}`,
      retryable: response.status === 429 || response.status >= 500,
    };
  }
}

/** What went wrong on the wire, by code only: undici's messages quote the host and port. */
function networkReason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
