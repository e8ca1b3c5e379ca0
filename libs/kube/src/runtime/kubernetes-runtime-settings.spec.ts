import { ProviderErrorCode } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { parseKubernetesRuntimeSettings, runtimeNamespace } from './kubernetes-runtime-settings';

describe('parseKubernetesRuntimeSettings', () => {
  it('applies the defaults', () => {
    expect(parseKubernetesRuntimeSettings({ namespace: 'team-a', kubeconfig: '/etc/k', context: 'prod' })).toEqual({
      namespace: 'team-a',
      kubeconfig: '/etc/k',
      context: 'prod',
      rolloutTimeoutSeconds: 300,
      requestTimeoutSeconds: 30,
    });
  });

  it.each([
    [{}, /namespace is required/],
    [{ namespace: 'Team_A' }, /DNS-1123/],
    [{ namespace: 'a', rolloutTimeoutSeconds: 0 }, /rolloutTimeoutSeconds/],
    [{ namespace: 'a', inCluster: true, kubeconfig: '/k' }, /inCluster excludes/],
    [{ namespace: 'a', kubeconfg: '/k' }, /unknown setting "kubeconfg"/],
  ])('refuses %j', (settings, message) => {
    expect(() => parseKubernetesRuntimeSettings(settings)).toThrow(message);
    try {
      parseKubernetesRuntimeSettings(settings);
    } catch (error) {
      expect((error as { code: string }).code).toBe(ProviderErrorCode.InvalidRequest);
    }
  });

  it('gives the namespace to render into only for a kubernetes runtime', () => {
    expect(runtimeNamespace({ kind: 'kubernetes', settings: { namespace: 'team-a' } })).toBe('team-a');
    expect(runtimeNamespace({ kind: 'local', settings: {} })).toBeUndefined();
  });
});
