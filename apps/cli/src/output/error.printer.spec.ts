import { describe, expect, it } from 'vitest';
import { CliError, CliErrorCode } from '../cli.error';
import { palette } from './colors';
import { formatError } from './error.printer';

const plain = palette(false);

describe('formatError', () => {
  it('prints the title and every path: message line of a problem, not the count the detail sums them up with', () => {
    const error = new CliError(CliErrorCode.Server, 'Invalid application', {
      status: 422,
      title: 'Invalid application',
      detail: '2 problems',
      errors: [
        { path: '/spec/components/1/properties/engine', message: 'must be one of mysql, postgresql' },
        { path: '/metadata/name', message: 'must be a DNS-1123 label' },
      ],
    });
    expect(formatError(error, plain)).toBe(
      'error: Invalid application (422)\n' +
        '  /spec/components/1/properties/engine: must be one of mysql, postgresql\n' +
        '  /metadata/name: must be a DNS-1123 label\n',
    );
    expect(error.exitCode).toBe(1);
  });

  it('prints a single problem once, although the server also states it as the detail', () => {
    // What the server answers for one problem: the detail is that problem written as `path: message`.
    const engine = { path: '/spec/components/1/properties/engine', message: 'must be one of mysql, postgresql' };
    const error = new CliError(CliErrorCode.Server, 'Invalid application', {
      status: 422,
      title: 'Invalid application',
      detail: `${engine.path}: ${engine.message}`,
      errors: [engine, engine],
    });
    expect(formatError(error, plain)).toBe(
      'error: Invalid application (422)\n  /spec/components/1/properties/engine: must be one of mysql, postgresql\n',
    );
  });

  it('keeps a detail that says more than the listed problems', () => {
    const error = new CliError(CliErrorCode.Server, 'Conflict', {
      status: 409,
      title: 'Conflict',
      detail: 'application shop is being deleted',
      errors: [],
    });
    expect(formatError(error, plain)).toBe('error: Conflict (409)\n  application shop is being deleted\n');
  });

  it('prints extra reason lines and gives usage errors exit code 2', () => {
    const error = new CliError(CliErrorCode.Usage, 'unknown output format "xml"', undefined, ['use json or yaml']);
    expect(formatError(error, plain)).toBe('error: unknown output format "xml"\n  use json or yaml\n');
    expect(error.exitCode).toBe(2);
  });

  it('colours the label only when colours are on', () => {
    expect(formatError(new Error('boom'), palette(true))).toContain('\u001b[');
    expect(formatError(new Error('boom'), plain)).toBe('error: boom\n');
  });
});
