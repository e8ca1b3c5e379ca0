import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [4.4, '4ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1540, '1.5s'],
    [9949, '9.9s'],
    [9950, '10s'],
    [59_499, '59s'],
    [59_500, '1m'],
    [65_000, '1m 5s'],
    [120_000, '2m'],
    [3_599_400, '59m 59s'],
    [3_600_000, '1h'],
    [7_380_000, '2h 3m'],
    [86_400_000, '1d'],
    [90_000_000, '1d 1h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows a negative or non-finite time', () => {
    expect(formatDuration(-5)).toBe('0ms');
    expect(formatDuration(Number.NaN)).toBe('0ms');
  });
});
