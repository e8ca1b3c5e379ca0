import { createColors } from 'picocolors';

export type Palette = ReturnType<typeof createColors>;

/**
 * Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR turns it on for
 * pipes (useful to check the colours themselves).
 */
export function colorsEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function palette(enabled: boolean): Palette {
  return createColors(enabled);
}

/** Colour for a phase or state word: green when done, red when failed, yellow while in progress. */
export function phaseColor(c: Palette, phase: string | undefined): (text: string) => string {
  switch (phase) {
    case 'Ready':
    case 'Succeeded':
    case 'Deleted':
      return c.green;
    case 'Failed':
    case 'DeleteFailed':
      return c.red;
    case 'Retained':
    case 'Skipped':
    case 'Superseded':
      return c.cyan;
    case undefined:
      return c.dim;
    default:
      return c.yellow;
  }
}
