import { describe, expect, it } from 'vitest';
import { redactSourceText } from './redact-source-text';

const PW = 'correct-horse-battery';

describe('redactSourceText', () => {
  it('keeps layout and comments when the text-level redaction leaves nothing behind', () => {
    const text = `# my app\nspec:\n  components:\n    - name: db\n      type: rds # the database\n      properties:\n        password: ${PW}\n`;
    const stored = redactSourceText(text, { contentType: 'application/yaml', secrets: [PW] });
    expect(stored).toContain('# my app');
    expect(stored).toContain('# the database');
    expect(stored).toContain('password: <redacted>');
    expect(stored).not.toContain(PW);
  });

  it('follows aliases to the type and to the properties', () => {
    const text = `spec:\n  components:\n    - name: a\n      type: &t rds\n      properties: &p { password: ${PW} }\n    - name: b\n      type: *t\n      properties: *p\n`;
    const stored = redactSourceText(text, { contentType: 'application/yaml', secrets: [PW] });
    expect(stored).not.toContain(PW);
  });

  it('re-serializes the redacted document when the secret would survive elsewhere in the text', () => {
    const yaml = `spec:\n  components:\n    # was ${PW}\n    - name: db\n      type: rds\n      properties: { password: ${PW} }\n`;
    const fromYaml = redactSourceText(yaml, { contentType: 'application/yaml', secrets: [PW] });
    expect(fromYaml).not.toContain(PW);
    expect(fromYaml).toContain('password: <redacted>');
    const json = `{"spec":{"components":[{"name":"db","type":"\\u0072ds","properties":{"password":"${PW.replace('h', '\\u0068')}"}}]}}`;
    const fromJson = redactSourceText(json, { contentType: 'application/json', secrets: [PW] });
    expect(JSON.parse(fromJson)).toEqual({
      spec: { components: [{ name: 'db', type: 'rds', properties: { password: '<redacted>' } }] },
    });
  });
});
