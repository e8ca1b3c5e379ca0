import { CliError, CliErrorCode } from '../cli.error';
import type { Palette } from './colors';

/**
 * The lines printed on stderr for a failed command: `error: <title>`, the detail, then one `path: message` line per
 * problem the server reported (so a bad YAML shows exactly which fields are wrong).
 */
export function formatError(error: unknown, c: Palette): string {
  const lines: string[] = [];
  if (error instanceof CliError) {
    const problem = error.problem;
    const status = problem?.status ? c.dim(` (${problem.status})`) : '';
    lines.push(`${c.red(c.bold('error:'))} ${error.message}${error.code === CliErrorCode.Server ? status : ''}`);
    const detail = problem?.detail?.trim();
    if (detail && detail !== error.message) lines.push(`  ${detail}`);
    for (const item of problem?.errors ?? []) {
      lines.push(`  ${c.yellow(item.path || '/')}: ${item.message}`);
    }
    for (const line of error.details) lines.push(`  ${line}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`${c.red(c.bold('error:'))} ${message}`);
  }
  return lines.join('\n') + '\n';
}
