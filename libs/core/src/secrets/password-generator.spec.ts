import { describe, expect, it } from 'vitest';
import { generatePassword } from './password-generator';

describe('generatePassword', () => {
  it('meets the RDS MySQL/PostgreSQL rules every time: 8–32 chars, upper, lower, digit, special from the accepted set', () => {
    for (let i = 0; i < 500; i++) {
      const length = 8 + (i % 25);
      const password = generatePassword(length);
      expect(password).toHaveLength(length);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[-_]/);
      // Every character is one RDS accepts (letters, digits, !@#$%^&*()_+-=) and survives a URL unescaped.
      expect(password).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]+$/);
      expect(encodeURIComponent(password)).toBe(password);
    }
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword()));
    expect(seen.size).toBe(1000);
  });

  it('refuses lengths RDS would refuse', () => {
    expect(() => generatePassword(7)).toThrow(RangeError);
    expect(() => generatePassword(33)).toThrow(RangeError);
    expect(() => generatePassword(12.5)).toThrow(RangeError);
  });
});
