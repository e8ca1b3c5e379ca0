import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own boot narration: every module initialized, the route table ("Mapped {/v1/…, GET} route"), "Starting
 * Nest application…". Useful when debugging the wiring, noise at every start: it goes out at debug, not info.
 */
export const BOOT_DETAIL_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** The context Nest passes last to a logger call (`Logger.log(message, context)`), when it is one. */
function contextOf(params: unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
}

/**
 * The service's logger as Nest's framework logger: the same pino logger, with Nest's boot narration lowered to debug
 * (BOOT_DETAIL_CONTEXTS). Warnings and errors from those contexts keep their level.
 */
export class FrameworkLogger implements LoggerService {
  constructor(private readonly logger: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context !== undefined && BOOT_DETAIL_CONTEXTS.has(context)) this.debug(message, ...params);
    else this.logger.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    (this.logger.fatal ?? this.logger.error).call(this.logger, message, ...params);
  }
}
