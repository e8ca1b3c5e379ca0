export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where an adapter reports what it is doing during a step. Lines become operation events that users watch live,
 * so they must never contain secret values.
 */
export interface OperationLog {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export const SILENT_LOG: OperationLog = { log: () => undefined };
