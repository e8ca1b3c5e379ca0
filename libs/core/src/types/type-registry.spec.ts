import { describe, expect, it } from 'vitest';
import { isSecretInputPath, secretInputsOf, withoutSecretInputs } from './secret-inputs';
import type { TypeDescriptor } from './type-descriptor';
import { TypeRegistry, TypeRegistryError } from './type-registry';

const cache: TypeDescriptor = {
  name: 'cache',
  category: 'cloud',
  description: 'a cache',
  schema: { type: 'object' },
  connectionKeys: [
    { name: 'CACHE_HOST', sensitive: false, description: 'host' },
    { name: 'CACHE_PASSWORD', sensitive: true, description: 'password' },
  ],
  secretInputs: ['password', 'accounts/*/password'],
  rotation: { reissues: ['CACHE_PASSWORD'], holds: { input: 'password', key: 'CACHE_PASSWORD' } },
  stepTimeoutMs: 30 * 60_000,
  aliases: [{ alias: 'vendor-cache', canonical: 'cache', properties: new Map() }],
};
const web: TypeDescriptor = { name: 'web', category: 'workload', description: 'a web app', schema: { type: 'object' } };

describe('TypeRegistry', () => {
  const types = new TypeRegistry([cache, web]);

  it('finds a type by canonical name and by alias, and lists by category in registration order', () => {
    expect(types.get('cache')).toBe(cache);
    expect(types.get('vendor-cache')).toBeUndefined();
    expect(types.resolve('vendor-cache')).toMatchObject({ descriptor: cache, alias: { alias: 'vendor-cache' } });
    expect(types.resolve('cache')).toEqual({ descriptor: cache });
    expect(types.resolve('nope')).toBeUndefined();
    expect(types.names()).toEqual(['cache', 'web']);
    expect(types.names('workload')).toEqual(['web']);
    expect(types.aliasesOf('cache')).toEqual(['vendor-cache']);
  });

  it('answers the questions engines ask: category, connection keys, sensitivity, rotation, timeouts', () => {
    expect(types.isCloud('cache')).toBe(true);
    expect(types.isCloud('web')).toBe(false);
    expect(types.isSensitiveKey('cache', 'CACHE_PASSWORD')).toBe(true);
    expect(types.isSensitiveKey('cache', 'CACHE_HOST')).toBe(false);
    expect(types.connectionKeys('web')).toEqual([]);
    expect(types.rotatable()).toEqual(['cache']);
    expect(types.stepTimeouts()).toEqual({ cache: 30 * 60_000 });
  });

  it('never takes an unknown type for a workload: asking about one is an error naming it', () => {
    expect(() => types.isCloud('cahce')).toThrow(TypeRegistryError);
    expect(() => types.isCloud('cahce')).toThrow('unknown type "cahce" (did you mean cache?)');
    expect(types.closest('vendor-cahce')).toBe('vendor-cache');
  });

  it('refuses a name or alias registered twice', () => {
    expect(() => new TypeRegistry([cache, { ...web, name: 'cache' }])).toThrow('type cache is registered twice');
    expect(() => new TypeRegistry([cache, { ...web, name: 'vendor-cache' }])).toThrow(TypeRegistryError);
  });
});

describe('secret inputs', () => {
  const properties = { password: 'p1', size: 2, accounts: [{ name: 'a', password: 'p2' }, { name: 'b' }] };

  it('finds the values at every path, list items included, under their concrete paths', () => {
    expect(secretInputsOf(cache, properties)).toEqual([
      { path: 'password', value: 'p1' },
      { path: 'accounts/0/password', value: 'p2' },
    ]);
    expect(isSecretInputPath(cache, 'accounts/7/password')).toBe(true);
    expect(isSecretInputPath(cache, 'accounts/x/password')).toBe(false);
    expect(isSecretInputPath(cache, 'size')).toBe(false);
  });

  it('takes them out of a copy, leaving the rest and the original alone', () => {
    expect(withoutSecretInputs(cache, properties)).toEqual({ size: 2, accounts: [{ name: 'a' }, { name: 'b' }] });
    expect(properties.accounts[0]).toEqual({ name: 'a', password: 'p2' });
  });
});
