import { ProviderError, ProviderErrorCode } from '@berth/core';

/** Races a promise against the request's signal: an abort rejects with a Timeout ProviderError. */
export async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) throw new ProviderError(ProviderErrorCode.Timeout, `${what}: aborted`);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ProviderError(ProviderErrorCode.Timeout, `${what}: aborted`));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
