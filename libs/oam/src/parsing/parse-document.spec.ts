import { describe, expect, it } from 'vitest';
import { OamError, OamErrorCode } from '../errors/oam.error';
import { parseDocument } from './parse-document';

const yaml = { contentType: 'application/yaml', maxBytes: 1 << 20 };
const json = { contentType: 'application/json; charset=utf-8', maxBytes: 1 << 20 };

function failure(run: () => unknown): OamError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OamError);
    return error as OamError;
  }
  throw new Error('expected an OamError');
}

function billionLaughs(): string {
  let text = 'lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 10; i++)
    text += `lol${i}: &lol${i} [${Array(10)
      .fill(`*lol${i - 1}`)
      .join(',')}]\n`;
  return text;
}

describe('parseDocument', () => {
  it('parses YAML 1.2 (yes stays a string) and JSON by content type', () => {
    expect(parseDocument('a: yes\nb: 0o10\n', yaml)).toEqual({ a: 'yes', b: 8 });
    expect(parseDocument(Buffer.from('{"a": [1, 2]}'), json)).toEqual({ a: [1, 2] });
    expect(parseDocument('kind: Application', { ...yaml, contentType: 'text/yaml' })).toEqual({ kind: 'Application' });
    expect(parseDocument('kind: Application', { ...yaml, contentType: 'application/x-yaml' })).toEqual({
      kind: 'Application',
    });
  });

  it('refuses other content types as UnsupportedMediaType', () => {
    expect(failure(() => parseDocument('a: 1', { ...yaml, contentType: 'text/plain' })).code).toBe(
      OamErrorCode.UnsupportedMediaType,
    );
    expect(
      failure(() => parseDocument('a: 1', { ...yaml, contentType: 'application/yaml; charset=latin1' })).code,
    ).toBe(OamErrorCode.UnsupportedMediaType);
  });

  it('refuses a body over the byte limit as PayloadTooLarge, counting bytes not characters', () => {
    const error = failure(() => parseDocument('a: "ééééé"', { ...yaml, maxBytes: 12 }));
    expect(error.code).toBe(OamErrorCode.PayloadTooLarge);
    expect(error.message).toContain('limit is 12 bytes');
    expect(parseDocument('a: "ééééé"', { ...yaml, maxBytes: 15 })).toEqual({ a: 'ééééé' });
  });

  it('reports YAML syntax errors with line and column', () => {
    const error = failure(() => parseDocument('apiVersion: v1\nspec:\n  components: [a, b\n', yaml));
    expect(error.code).toBe(OamErrorCode.Malformed);
    expect(error.problems[0]!.message).toMatch(/^line \d+, column \d+: /);
  });

  it('refuses duplicate keys with the position of the repeated key', () => {
    const error = failure(() => parseDocument('kind: Application\nmetadata: {}\nkind: Other\n', yaml));
    expect(error.problems[0]!.message).toBe('line 3, column 1: duplicate key: keys of a mapping must be unique');
  });

  it('refuses duplicate JSON keys, however spelt, naming the key and its path', () => {
    const error = failure(() =>
      parseDocument('{"spec": {"components": [{"properties": {"password": "a",\n "pass\\u0077ord": "b"}}]}}', json),
    );
    expect(error.code).toBe(OamErrorCode.Malformed);
    expect(error.problems).toEqual([
      {
        path: '/spec/components/0/properties/password',
        message: 'line 2, column 2: duplicate key "password": keys of an object must be unique',
      },
    ]);
    expect(failure(() => parseDocument('{"spec": {}, "kind": "x", "spec": {}}', json)).problems[0]!.path).toBe('/spec');
    // The same key in different objects is fine.
    expect(parseDocument('{"a": {"k": 1}, "b": {"k": 2}, "k": [{"k": 3}, {"k": 4}]}', json)).toEqual({
      a: { k: 1 },
      b: { k: 2 },
      k: [{ k: 3 }, { k: 4 }],
    });
  });

  it('reports JSON syntax errors with line and column', () => {
    const error = failure(() => parseDocument('{\n  "a": 1,\n}', json));
    expect(error.code).toBe(OamErrorCode.Malformed);
    expect(error.message).toMatch(/^line 3, column 1: invalid JSON/);
  });

  it('accepts exactly one document', () => {
    expect(failure(() => parseDocument('a: 1\n---\nb: 2\n', yaml)).message).toContain('2 YAML documents');
    expect(failure(() => parseDocument('# only a comment\n', yaml)).code).toBe(OamErrorCode.Malformed);
    expect(failure(() => parseDocument('   ', json)).message).toContain('empty');
  });

  it('requires a mapping at the top level', () => {
    expect(failure(() => parseDocument('- a\n- b\n', yaml)).message).toContain('found a list');
    expect(failure(() => parseDocument('"text"', json)).message).toContain('found a string');
    expect(failure(() => parseDocument('null', json)).message).toContain('found null');
  });

  it('refuses invalid UTF-8', () => {
    expect(failure(() => parseDocument(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe]), yaml)).message).toContain('UTF-8');
  });

  it('refuses a billion-laughs document in well under a second', () => {
    const started = performance.now();
    const error = failure(() => parseDocument(billionLaughs(), yaml));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe(OamErrorCode.Malformed);
    expect(error.message).toMatch(/alias/);
  });

  it('counts aliases against maxAliases', () => {
    const text = 'a: &a x\nb: [' + Array(20).fill('*a').join(', ') + ']\n';
    expect(parseDocument(text, yaml)).toMatchObject({ a: 'x' });
    expect(failure(() => parseDocument(text, { ...yaml, maxAliases: 10 })).message).toContain('more than 10 aliases');
  });

  it('refuses a recursive alias', () => {
    expect(failure(() => parseDocument('a: &a [*a]\n', yaml)).message).toContain('recursive alias');
  });

  it('refuses deep nesting quickly, in block, flow and JSON form, before the YAML composer sees it', () => {
    const cases: Array<[string, typeof yaml]> = [
      ['- '.repeat(5000) + 'x', yaml],
      ['['.repeat(100_000) + ']'.repeat(100_000), yaml],
      ['a: ' + '{b: '.repeat(3000) + '1' + '}'.repeat(3000), yaml],
      ['['.repeat(100_000) + ']'.repeat(100_000), json],
    ];
    for (const [text, options] of cases) {
      const started = performance.now();
      const error = failure(() => parseDocument(text, options));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error.message).toMatch(/nests deeper than 64 levels/);
    }
  });

  it('honours maxDepth on what the parser produced', () => {
    const nested = 'a:\n  b:\n    c:\n      d: 1\n';
    expect(parseDocument(nested, { ...yaml, maxDepth: 4 })).toEqual({ a: { b: { c: { d: 1 } } } });
    expect(failure(() => parseDocument(nested, { ...yaml, maxDepth: 3 })).message).toContain('deeper than 3');
  });

  it('keeps block scalars with brackets and quotes out of the nesting estimate', () => {
    const text =
      'a:\n  - cmd: |\n      echo "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n    b: 1\n';
    expect(parseDocument(text, yaml)).toEqual({ a: [{ cmd: 'echo "' + '['.repeat(75) + '\n', b: 1 }] });
  });
});
