import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatch, closestMatchSuffix, didYouMean, editDistance } from './closest-match';

const COMPONENT_TYPES = ['rds', 'oss', 'slb', 'vpc', 'webservice', 'worker', 'task', 'alibaba-rds', 'alibaba-oss'];

describe('closest match', () => {
  it('counts a swap of two adjacent letters as one edit', () => {
    expect(editDistance('rsd', 'rds')).toBe(1);
    expect(editDistance('stagign', 'staging')).toBe(1);
    expect(editDistance('helm', 'slb')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('is a distance: zero only for equal strings, symmetric, and bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('suggests typos of the candidates', () => {
    expect(closestMatch('rsd', COMPONENT_TYPES)).toBe('rds');
    expect(closestMatch('rdss', COMPONENT_TYPES)).toBe('rds');
    expect(closestMatch('webservce', COMPONENT_TYPES)).toBe('webservice');
    expect(closestMatch('alibaba-rsd', COMPONENT_TYPES)).toBe('alibaba-rds');
    expect(closestMatch('RDS', COMPONENT_TYPES)).toBe('rds');
    expect(closestMatch('stagign', ['local', 'staging', 'production'])).toBe('staging');
    expect(closestMatch('DB_PASS', ['DB_HOST', 'DB_PASSWORD'])).toBe('DB_PASSWORD');
  });

  it('suggests nothing when no candidate is really close', () => {
    expect(closestMatch('helm', COMPONENT_TYPES)).toBeUndefined();
    expect(closestMatch('redis', COMPONENT_TYPES)).toBeUndefined();
    expect(closestMatch('ecs', COMPONENT_TYPES)).toBeUndefined();
    expect(closestMatch('db', ['files'])).toBeUndefined();
    expect(closestMatch('prod', ['local', 'staging'])).toBeUndefined();
    // A longer word is not a typo of its beginning.
    expect(closestMatch('namespace', ['name'])).toBeUndefined();
    expect(closestMatch('DB_HOSTNAME', ['DB_HOST', 'DB_NAME'])).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
    // The name itself is not a suggestion.
    expect(closestMatch('rds', COMPONENT_TYPES)).toBeUndefined();
  });

  it('words it as a suffix, or leaves the message alone', () => {
    expect(closestMatchSuffix('rsd', COMPONENT_TYPES)).toBe('; closest match: rds');
    expect(closestMatchSuffix('helm', COMPONENT_TYPES)).toBe('');
    expect(didYouMean('acountName', ['engine', 'accountName'])).toBe(' (did you mean accountName?)');
    expect(didYouMean('zzz', ['engine', 'accountName'])).toBe('');
  });
});
