import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, validateApplication } from '@berth/oam';
import { describe, expect, it } from 'vitest';

const examplesDir = join(__dirname, '..', '..', 'examples');
const examples = readdirSync(examplesDir).filter((file) => file.endsWith('.yaml'));

// The examples are what a newcomer copies first: each must be a valid Application as written.
describe('examples/', () => {
  it('has the quick start, a KubeVela-style and a production example', () => {
    expect(examples).toEqual(expect.arrayContaining(['quickstart.yaml', 'kubevela.yaml', 'production-alicloud.yaml']));
  });

  it.each(examples)('%s is a valid Application', (file) => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    const document = parseDocument(text, { contentType: 'application/yaml', maxBytes: 1024 * 1024 });
    const result = validateApplication(document);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
