import { describe, expect, it } from 'vitest';
import { CliError } from '../cli.error';
import { prepareInput } from './apply.command';

describe('prepareInput', () => {
  it('sends .yaml files as YAML under their metadata.name, unchanged', () => {
    const text =
      'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components: []\n';
    expect(prepareInput('app.yaml', text)).toEqual({
      source: 'app.yaml',
      text,
      contentType: 'application/yaml',
      name: 'shop',
    });
  });

  it('sends .json files, and stdin starting with {, as JSON', () => {
    const text = '{"metadata":{"name":"shop"},"spec":{"components":[]}}';
    expect(prepareInput('app.json', text).contentType).toBe('application/json');
    expect(prepareInput('-', `  ${text}`).contentType).toBe('application/json');
    expect(prepareInput('-', 'metadata: {name: shop}').contentType).toBe('application/yaml');
  });

  it('reports YAML syntax errors with their line', () => {
    let error: unknown;
    try {
      prepareInput('bad.yaml', 'metadata:\n  name: [unclosed\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('bad.yaml is not valid YAML');
    expect((error as CliError).details.join('\n')).toMatch(/at line \d+, column \d+$/);
  });

  it('needs metadata.name to know where to store the application', () => {
    expect(() => prepareInput('x.yaml', 'kind: Application\n')).toThrow('x.yaml does not name its application');
  });
});
