import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kubeVelaCanonicalYaml, kubeVelaYaml } from '../testing/applications.fixture';
import { contentHash } from '../hashing/content-hash';
import { validateApplication } from '../validation/validate-application';
import { REDACTED } from '@berth/core';
import { redactDocument } from './redact-document';

const PASSWORD = 'U34rfwefwefffaked';

describe('redactDocument', () => {
  it('redacts the rds password in the original KubeVela document, leaving the input untouched', () => {
    const original = parse(kubeVelaYaml);
    const redacted = redactDocument(original);
    expect(redacted.spec.components[1].properties.password).toBe(REDACTED);
    expect(JSON.stringify(redacted)).not.toContain(PASSWORD);
    expect(original.spec.components[1].properties.password).toBe(PASSWORD);
  });

  it('redacts the normalized document and the ApplicationSpec', () => {
    const result = validateApplication(parse(kubeVelaCanonicalYaml));
    if (!result.ok) throw new Error('fixture invalid');
    expect(JSON.stringify(redactDocument(result.document))).not.toContain(PASSWORD);
    expect(JSON.stringify(redactDocument(result.application))).not.toContain(PASSWORD);
    expect(JSON.stringify(redactDocument(result.document))).toContain('"password":"<redacted>"');
  });

  it('redacts the original text, keeping its layout and comments', () => {
    const text = `# my app\n${kubeVelaYaml}`;
    const redacted = redactDocument(text);
    expect(redacted).not.toContain(PASSWORD);
    expect(redacted).toContain('# my app');
    expect(redacted).toContain('password: <redacted>');
    expect(redactDocument(JSON.stringify(parse(kubeVelaYaml)))).not.toContain(PASSWORD);
  });

  it('does not touch a password-named property of a type without secrets', () => {
    const doc = { spec: { components: [{ type: 'webservice', properties: { password: 'x' } }] } };
    expect(redactDocument(doc)).toEqual(doc);
  });
});

describe('contentHash', () => {
  it('is a sha256 hex that ignores key order and changes with content', () => {
    const a = contentHash({ b: 1, a: { d: [1, 2], c: 'x' } });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ a: { c: 'x', d: [1, 2] }, b: 1 })).toBe(a);
    expect(contentHash({ a: { c: 'x', d: [2, 1] }, b: 1 })).not.toBe(a);
  });

  it('gives the KubeVela fixture and its canonical twin the same hash once normalized', () => {
    const hashes = [kubeVelaYaml, kubeVelaCanonicalYaml].map((yaml) => {
      const result = validateApplication(parse(yaml));
      if (!result.ok) throw new Error('fixture invalid');
      return contentHash(result.document);
    });
    expect(hashes[0]).toBe(hashes[1]);
  });
});
