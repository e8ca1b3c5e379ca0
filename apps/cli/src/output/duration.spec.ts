import { describe, expect, it } from 'vitest';
import { formatAge, formatElapsed, parseDuration } from './duration';

describe('durations', () => {
  it('parses --timeout values', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1m 5s')).toBe(65_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1m  ')).toBe(60_000);
    expect(parseDuration('1 m')).toBeUndefined();
    expect(parseDuration('10 minutes')).toBeUndefined();
    expect(parseDuration('m10')).toBeUndefined();
  });

  it('formats elapsed times and ages', () => {
    expect([formatElapsed(400), formatElapsed(4_900), formatElapsed(65_000), formatElapsed(7_380_000)]).toEqual([
      '0s',
      '4s',
      '1m 5s',
      '2h 3m',
    ]);
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatAge('2026-01-01T11:59:30Z', now)).toBe('30s');
    expect(formatAge('2026-01-01T11:00:00Z', now)).toBe('60m');
    expect(formatAge('2025-12-25T12:00:00Z', now)).toBe('7d');
    expect(formatAge(undefined, now)).toBe('-');
  });
});
