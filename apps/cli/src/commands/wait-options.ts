import { formatDuration } from '@berth/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliContext } from '../cli.context';
import { PlainProgressRenderer, TtyProgressRenderer, type ProgressRenderer } from '../output/progress.renderer';
import { parseDuration } from '../output/duration';
import type { RendererFactory } from '../wait/application.waiter';
import type { ProgressModel } from '../wait/progress.model';

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** commander parser for `--timeout 10m`: a usage error (exit 2) when malformed. */
export function parseTimeoutOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration such as 90s, 10m or 1h');
  return ms;
}

/** Adds `--wait` and `--timeout` to apply/delete. */
export function withWait(command: Command, what: string): Command {
  return command
    .option('--wait', `wait until ${what}, showing progress per component`)
    .addOption(
      new Option('--timeout <duration>', 'give up waiting after this long (e.g. 90s, 10m)')
        .argParser(parseTimeoutOption)
        .default(DEFAULT_TIMEOUT_MS, formatDuration(DEFAULT_TIMEOUT_MS)),
    );
}

/**
 * Live progress on a terminal, plain change lines otherwise. When stdout carries -o json|yaml, progress goes to stderr
 * as plain lines so the structured output stays parseable.
 */
export function rendererFactory(ctx: CliContext, title: string, appName: string, structured: boolean): RendererFactory {
  return async (model: ProgressModel): Promise<ProgressRenderer> => {
    const terminal = ctx.io.stdout as Partial<NodeJS.WriteStream>;
    // A pseudo-terminal without a size (rows 0) cannot show a redrawn block: fall back to plain lines.
    if (!structured && ctx.interactive && (terminal.columns ?? 0) > 0 && (terminal.rows ?? 0) > 0) {
      return TtyProgressRenderer.create(model, title, ctx.colors, ctx.io.stdout as NodeJS.WriteStream);
    }
    return new PlainProgressRenderer(appName, (text) => (structured ? ctx.err(text) : ctx.out(text)));
  };
}
