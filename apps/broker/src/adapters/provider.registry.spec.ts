import { describe, expect, it } from 'vitest';
import { ProviderError, ResourceProvider, type ProviderAvailability } from '@berth/core';
import { ProviderRegistry } from './provider.registry';

class Stub extends ResourceProvider {
  constructor(
    readonly kinds: readonly string[],
    private readonly available = true,
  ) {
    super();
  }
  async availability(): Promise<ProviderAvailability> {
    return this.available ? { available: true } : { available: false, reason: 'no CLI here' };
  }
  validateProfile() {
    return [];
  }
  preview = () => Promise.reject(new Error('unused'));
  apply = () => Promise.reject(new Error('unused'));
  destroy = () => Promise.reject(new Error('unused'));
  refresh = () => Promise.reject(new Error('unused'));
}

const environment = {
  provider: { kind: 'local', settings: {} },
  profiles: { prod: { kind: 'alicloud', settings: { region: 'cn-hangzhou' } } },
};

describe('ProviderRegistry', () => {
  const local = new Stub(['local']);
  const cloud = new Stub(['alicloud', 'apsara'], false);
  const registry = new ProviderRegistry([local, cloud]);

  it("serves a component by its providerRef's profile, else by the environment's profile", () => {
    expect(registry.resolve(environment, {})).toEqual({
      profileName: null,
      profile: environment.provider,
      provider: local,
    });
    expect(registry.resolve(environment, { providerRef: 'prod' })).toEqual({
      profileName: 'prod',
      profile: environment.profiles.prod,
      provider: cloud,
    });
  });

  it('names what is missing: an unknown profile or a kind no adapter serves', () => {
    expect(() => registry.resolve(environment, { providerRef: 'staging' })).toThrow(/no provider profile "staging"/);
    expect(() => registry.get('gcp')).toThrow(ProviderError);
    expect(() => registry.get('gcp')).toThrow(/known: alicloud, apsara, local/);
  });

  it('lets a later registration of a kind win (tests replace an adapter)', () => {
    const replacement = new Stub(['local']);
    const replaced = new ProviderRegistry([local, replacement]);
    expect(replaced.get('local')).toBe(replacement);
  });

  it('reports availability per kind and whether an environment uses it', async () => {
    const report = await registry.availability([environment.provider]);
    expect(report.local).toEqual({ available: true, used: true });
    expect(report.alicloud).toEqual({ available: false, reason: 'no CLI here', used: false });
  });
});
