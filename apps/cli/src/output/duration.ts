import { formatDuration } from '@berth/core';

/** Parses `10m`, `1h30m`, `500ms` or bare seconds; one parser for the command line and workflow step durations. */
export { parseDuration } from '@berth/core';

/** Whole seconds of a running clock, written like every other duration: `0s`, `4s`, `1m 5s`, `2h 3m`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return seconds === 0 ? '0s' : formatDuration(seconds * 1000);
}

/** kubectl-style age of a timestamp: `12s`, `5m`, `3h`, `2d`; `-` when unknown. */
export function formatAge(iso: string | undefined | null, now = Date.now()): string {
  if (!iso) return '-';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '-';
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
