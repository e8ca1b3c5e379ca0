import { describe, expect, it } from 'vitest';
import { SecretScrubber } from './secret-scrubber';

describe('SecretScrubber', () => {
  it('hides a value everywhere it occurs, also URL-encoded and JSON-escaped', () => {
    const password = 'p@ss w/rd"+1';
    const scrubber = new SecretScrubber([password]);
    const url = `mysql://app:${encodeURIComponent(password)}@db.internal:3306/app`;
    const message = `login failed for ${password}; url ${url}; body ${JSON.stringify({ password })}; form a=${new URLSearchParams({ v: password }).toString().slice(2)}`;
    const scrubbed = scrubber.scrub(message);
    expect(scrubbed).not.toContain(password);
    expect(scrubbed).not.toContain(encodeURIComponent(password));
    expect(scrubbed).toBe(
      'login failed for ***; url mysql://app:***@db.internal:3306/app; body {"password":"***"}; form a=***',
    );
  });

  it('hides the longer of two overlapping secrets whole', () => {
    const scrubber = new SecretScrubber(['abc', 'abcdef']);
    expect(scrubber.scrub('x abcdef y abc')).toBe('x *** y ***');
  });

  it('treats secrets as literals, not patterns', () => {
    const scrubber = new SecretScrubber(['a.c$(x)*']);
    expect(scrubber.scrub('abc a.c$(x)*')).toBe('abc ***');
  });

  it('leaves text without secrets alone and ignores empty values', () => {
    const scrubber = new SecretScrubber(['', 'secret-value']);
    expect(scrubber.scrub('nothing to see')).toBe('nothing to see');
    expect(new SecretScrubber().scrub('secret-value')).toBe('secret-value');
  });

  it('learns values added later', () => {
    const scrubber = new SecretScrubber(['first-secret']);
    expect(scrubber.scrub('second-secret')).toBe('second-secret');
    scrubber.add('second-secret');
    expect(scrubber.scrub('first-secret second-secret')).toBe('*** ***');
  });

  it('scrubs the strings of nested values without touching keys', () => {
    const scrubber = new SecretScrubber(['hunter22']);
    const fields = { detail: 'pw hunter22', nested: [{ url: 'x://u:hunter22@h' }], hunter22: 1, n: 5 };
    expect(scrubber.scrubValue(fields)).toEqual({
      detail: 'pw ***',
      nested: [{ url: 'x://u:***@h' }],
      hunter22: 1,
      n: 5,
    });
    expect(fields.detail).toBe('pw hunter22');
  });
});
