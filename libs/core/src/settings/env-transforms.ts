/**
 * class-transformer `@Transform` functions for settings read from environment variables (all values arrive as
 * strings). An unparsable value becomes NaN or stays as it is, so the validator after it names the variable.
 */
type TransformArgument = { value: unknown };

/** `42` → 42; anything but digits → NaN. */
export const strictInteger = ({ value }: TransformArgument) =>
  typeof value === 'string' && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : value === undefined ? undefined : NaN;

/** `true`/`1`/`yes` and `false`/`0`/`no`, any case; anything else stays (and is refused). */
export const strictBoolean = ({ value }: TransformArgument) => {
  if (value === undefined) return undefined;
  const text = String(value).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  return value;
};

/** An empty variable counts as unset. */
export const emptyAsUnset = ({ value }: TransformArgument) => (value === '' ? undefined : value);

/**
 * `0`, `500ms`, `30s`, `10m`, `1h` (a bare number is seconds): one number and one unit, the form a variable takes
 * (stricter than time/duration.ts's parseDuration, which also reads what Berth prints, like `1h 30m`).
 */
export const SETTING_DURATION_PATTERN = /^\s*\d{1,9}\s*(?:ms|s|m|h)?\s*$/;

/** A duration in ms (see SETTING_DURATION_PATTERN), or NaN. */
export function parseSettingDuration(text: string): number {
  const match = /^\s*(\d{1,9})\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

/** A duration in ms, else NaN (so a range check names the variable). */
export const durationMs = ({ value }: TransformArgument) =>
  value === undefined || value === '' ? undefined : typeof value === 'string' ? parseSettingDuration(value) : NaN;

/** `a, b ,c` → `['a', 'b', 'c']` (empty entries dropped); the word `none` is the empty list. */
export function separatedList(separator: string | RegExp) {
  return ({ value }: TransformArgument) => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    if (value.trim().toLowerCase() === 'none') return [];
    return value
      .split(separator)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  };
}
