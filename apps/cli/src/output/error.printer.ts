import { CliError, CliErrorCode } from '../cli.error';
import type { Problem } from '../client/api.types';
import type { Palette } from './colors';

type ProblemItem = NonNullable<Problem['errors']>[number];

/**
 * Whether a problem's `detail` only restates its `errors`: the server sums them up there for clients that read no
 * `errors` (`2 problems`, or the one problem as `path: message`), so printing it beside the list says it twice.
 */
function restatesErrors(detail: string, errors: ProblemItem[]): boolean {
  if (errors.length === 0) return false;
  if (/^\d+ problems?$/.test(detail)) return true;
  return errors.some(
    (item) =>
      detail === item.message ||
      detail === `${item.path || '/'}: ${item.message}` ||
      detail === `${item.path}: ${item.message}`,
  );
}

/** The problem's errors (or an answer's warnings), each once, in the order the server listed them. */
export function distinctErrors(errors: ProblemItem[]): ProblemItem[] {
  const seen = new Set<string>();
  return errors.filter((item) => {
    const key = `${item.path}\u0000${item.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The lines printed on stderr for a failed command: `error: <title>`, the detail when it says more than the list,
 * then one `path: message` line per problem the server reported (so a bad YAML shows exactly which fields are wrong),
 * each problem once.
 */
export function formatError(error: unknown, c: Palette): string {
  const lines: string[] = [];
  if (error instanceof CliError) {
    const problem = error.problem;
    const status = problem?.status ? c.dim(` (${problem.status})`) : '';
    lines.push(`${c.red(c.bold('error:'))} ${error.message}${error.code === CliErrorCode.Server ? status : ''}`);
    const errors = distinctErrors(problem?.errors ?? []);
    const detail = problem?.detail?.trim();
    if (detail && detail !== error.message && !restatesErrors(detail, errors)) lines.push(`  ${detail}`);
    for (const item of errors) lines.push(`  ${c.yellow(item.path || '/')}: ${item.message}`);
    for (const line of error.details) lines.push(`  ${line}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`${c.red(c.bold('error:'))} ${message}`);
  }
  return lines.join('\n') + '\n';
}
