import type { OperationEvent } from '../client/api.types';
import type { Palette } from './colors';

function levelColor(c: Palette, level: string): (text: string) => string {
  if (level === 'error' || level === 'fatal') return c.red;
  if (level === 'warn' || level === 'warning') return c.yellow;
  if (level === 'debug' || level === 'trace') return c.dim;
  return c.cyan;
}

/** One event as a log line: `12:03:04 info  db      provisioning started`. */
export function formatEvent(event: OperationEvent, c: Palette): string {
  const time = event.time ? new Date(event.time).toISOString().slice(11, 19) : '--:--:--';
  const level = levelColor(c, event.level)(event.level.padEnd(5));
  const where = event.component ?? event.step;
  return `${c.dim(time)} ${level} ${where ? c.bold(where) + ' ' : ''}${event.message}\n`;
}
