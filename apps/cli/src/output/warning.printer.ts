import type { Palette } from './colors';
import { distinctErrors } from './error.printer';

export interface Warning {
  path: string;
  message: string;
}

/**
 * The lines printed on stderr for the warnings of an answer (`warnings[]` of a PUT): `warning: path: message`, each
 * warning once, in the order the server listed them; nothing when there is none.
 */
export function formatWarnings(warnings: readonly Warning[] | undefined, c: Palette): string {
  const lines = distinctErrors([...(warnings ?? [])]).map(
    (item) => `${c.yellow(c.bold('warning:'))} ${c.yellow(item.path || '/')}: ${item.message}`,
  );
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
