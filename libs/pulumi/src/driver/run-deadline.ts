import { ProviderError, ProviderErrorCode } from '@berth/core';

export interface RunDeadlineOptions {
  /** The caller's signal: aborted at the caller's deadline (a lifecycle step's timeout) or when it gives up. */
  signal: AbortSignal;
  /** The run's own budget, when the caller gives one; the earlier of the two is the deadline. */
  timeoutMs?: number;
  /** After the deadline, how long the run may take to stop cleanly before it is killed. */
  graceMs: number;
  /** The run, for messages: e.g. `pulumi up of stack prod.shop.db`. */
  what: string;
}

/**
 * The watchdog of one run. It keeps no timeout table of its own: the deadline is the caller's (its signal, or the
 * `timeoutMs` it passes), so whoever decides how long a step may take is the one source. At the deadline `cancel`
 * aborts (the run is asked to stop cleanly); `graceMs` later `kill` aborts (the run is stopped hard). Both carry
 * the same reason: a Timeout naming the deadline, or the caller's own reason.
 */
export class RunDeadline {
  private readonly cancelling = new AbortController();
  private readonly killing = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort: () => void;

  constructor(private readonly options: RunDeadlineOptions) {
    this.onCallerAbort = () => this.expire(callerReason(options.signal, `${options.what} was cancelled`));
    if (options.signal.aborted) {
      this.onCallerAbort();
      return;
    }
    options.signal.addEventListener('abort', this.onCallerAbort, { once: true });
    const { timeoutMs } = options;
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(
        () =>
          this.expire(
            new ProviderError(
              ProviderErrorCode.Timeout,
              `${options.what} ran past its ${formatSeconds(timeoutMs)} watchdog and was stopped`,
            ),
          ),
        timeoutMs,
      );
    }
  }

  /** Aborted at the deadline: stop cleanly. */
  get cancel(): AbortSignal {
    return this.cancelling.signal;
  }

  /** Aborted when the grace after the deadline is over: stop now. */
  get kill(): AbortSignal {
    return this.killing.signal;
  }

  get expired(): boolean {
    return this.cancelling.signal.aborted;
  }

  /** Why the run was stopped, once the deadline has come. */
  get reason(): ProviderError | undefined {
    return this.expired ? (this.cancelling.signal.reason as ProviderError) : undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.graceTimer);
    this.options.signal.removeEventListener('abort', this.onCallerAbort);
  }

  private expire(reason: ProviderError): void {
    if (this.expired) return;
    clearTimeout(this.timer);
    this.cancelling.abort(reason);
    this.graceTimer = setTimeout(() => this.killing.abort(reason), this.options.graceMs);
  }
}

/** The caller's reason when it is a ProviderError (the executor's "… timed out after 40 min"), else a Timeout. */
function callerReason(signal: AbortSignal, fallback: string): ProviderError {
  return signal.reason instanceof ProviderError
    ? signal.reason
    : new ProviderError(ProviderErrorCode.Timeout, fallback);
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
