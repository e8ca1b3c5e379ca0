import { ProviderError, ProviderErrorCode } from '@berth/core';
import { ErrorReply } from 'redis';
import { toProviderError } from '../support/local-provider.error';

/**
 * Maps what node-redis throws to the domain's codes: the server's error replies by their code word (WRONGPASS,
 * NOPERM, LOADING, …), socket failures by errno (through toProviderError). The server's replies name users and
 * commands, never a password; the admin URL is never part of a message.
 */
export function toRedisProviderError(error: unknown, context: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ErrorReply) {
    const word = /^([A-Z]+)\b/.exec(error.message)?.[1];
    const message = `${context}: ${error.message}`;
    switch (word) {
      case 'WRONGPASS':
      case 'NOAUTH':
      case 'NOPERM':
        return new ProviderError(ProviderErrorCode.Unauthorized, message, { cause: error });
      case 'LOADING':
      case 'BUSY':
      case 'TRYAGAIN':
      case 'MASTERDOWN':
        return new ProviderError(ProviderErrorCode.Transient, message, { cause: error });
      case 'OOM':
        return new ProviderError(ProviderErrorCode.QuotaExceeded, message, { cause: error });
      default:
        return new ProviderError(ProviderErrorCode.Internal, message, { cause: error });
    }
  }
  const name = (error as { name?: unknown })?.name;
  if (name === 'ConnectionTimeoutError' || name === 'SocketClosedUnexpectedlyError' || name === 'ClientOfflineError')
    return new ProviderError(ProviderErrorCode.Transient, `${context}: ${(error as Error).message}`, { cause: error });
  return toProviderError(error, context);
}
