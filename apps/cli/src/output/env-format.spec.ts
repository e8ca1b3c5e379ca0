import { execFileSync } from 'node:child_process';
import { parseEnv } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BoundVariable } from '../client/api.types';
import { formatDotenv, formatEnvJson, formatShell, quoteDotenv } from './env-format';

const v = (name: string, value: string | null, sensitive = false): BoundVariable => ({
  name,
  value,
  sensitive,
  secret: 'db',
  key: name,
});

const awkward = [
  'plain',
  'with spaces',
  "it's",
  'say "hi"',
  'line one\nline two',
  'tab\there',
  ' padded ',
  'a#b # c',
  '$HOME and ${X}',
  'back\\slash',
  'mix \' and "',
  'C:\\new\\root',
  '',
];

describe('dotenv output', () => {
  it('reads back unchanged through Node’s own dotenv parser, whatever the value holds', () => {
    const vars = awkward.map((value, i) => v(`V${i}`, value));
    const parsed = parseEnv(formatDotenv(vars));
    for (const [i, value] of awkward.entries()) expect(parsed[`V${i}`], JSON.stringify(value)).toBe(value);
  });

  it('round-trips arbitrary printable values', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab \'"`#=$\\\nxyz\t'.split('')), maxLength: 30 }), (value) => {
        const quoted = quoteDotenv(value);
        fc.pre(quoted !== undefined);
        expect(parseEnv(`K=${quoted}\n`).K).toBe(value);
      }),
    );
  });

  it('leaves simple values bare and hides sensitive values that were not revealed', () => {
    const out = formatDotenv([v('DB_HOST', '127.0.0.1'), v('DB_PASSWORD', null, true)]);
    expect(out).toBe('DB_HOST=127.0.0.1\n# DB_PASSWORD is sensitive; add --reveal to print it\n');
  });

  it('refuses, with a comment, a value no dotenv quoting can carry', () => {
    const out = formatDotenv([v('X', 'a\'b"c`d')]);
    expect(out).toMatch(/^# X .*--format json/);
    expect(parseEnv(out).X).toBeUndefined();
  });
});

describe('shell output', () => {
  it('evaluates in sh to exactly the original values', () => {
    const vars = awkward.map((value, i) => v(`V${i}`, value));
    const script = `${formatShell(vars)}\nnode -e 'const o={};for(const k of Object.keys(process.env))if(/^V\\d+$/.test(k))o[k]=process.env[k];process.stdout.write(JSON.stringify(o))'`;
    const out = JSON.parse(execFileSync('sh', ['-c', script], { encoding: 'utf8' })) as Record<string, string>;
    for (const [i, value] of awkward.entries()) expect(out[`V${i}`], JSON.stringify(value)).toBe(value);
  });

  it('comments out hidden values and names a shell cannot hold', () => {
    expect(formatShell([v('DB_PASSWORD', null, true), v('my-var', 'x')])).toBe(
      '# DB_PASSWORD is sensitive; add --reveal to print it\n# my-var is not a valid shell variable name\n',
    );
  });
});

describe('json output', () => {
  it('maps names to values with null for hidden ones', () => {
    expect(JSON.parse(formatEnvJson([v('A', 'x y'), v('B', null, true)]))).toEqual({ A: 'x y', B: null });
  });
});
