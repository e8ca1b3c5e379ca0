import { ProviderErrorCode } from '@berth/core';
import { describe, expect, it } from 'vitest';
import {
  KubernetesSettingsError,
  kubernetesSettingsProblems,
  parseKubernetesRuntimeSettings,
  runtimeNamespace,
} from './kubernetes-runtime-settings';

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

  it('reports every problem at its own field, so the API needs no guessing from the text', () => {
    expect(
      kubernetesSettingsProblems({
        kubeconfig: 'relative',
        kubeconfigEnv: 'not a name',
        inCluster: 'yes',
        requestTimeoutSeconds: -1,
        replicas: 3,
      }),
    ).toEqual([
      { path: '/replicas', message: expect.stringMatching(/^unknown setting "replicas" \(known: kubeconfig, /) },
      { path: '/namespace', message: 'namespace is required and must be a DNS-1123 label' },
      { path: '/kubeconfig', message: 'kubeconfig must be an absolute file path' },
      { path: '/kubeconfigEnv', message: expect.stringMatching(/must be the name of an environment variable/) },
      { path: '/kubeconfigEnv', message: expect.stringMatching(/excludes kubeconfig/) },
      { path: '/inCluster', message: 'inCluster must be true or false' },
      { path: '/requestTimeoutSeconds', message: 'requestTimeoutSeconds must be a number of seconds from 1 to 86400' },
    ]);
    expect(() => parseKubernetesRuntimeSettings({ namespace: 'a', kubeconfigEnv: 'KUBE', inCluster: true })).toThrow(
      KubernetesSettingsError,
    );
    expect(parseKubernetesRuntimeSettings({ namespace: 'a', kubeconfigEnv: 'KUBE' })).toMatchObject({
      kubeconfigEnv: 'KUBE',
    });
  });

  it('gives the namespace to render into only for a kubernetes runtime', () => {
    expect(runtimeNamespace({ kind: 'kubernetes', settings: { namespace: 'team-a' } })).toBe('team-a');
    expect(runtimeNamespace({ kind: 'local', settings: {} })).toBeUndefined();
  });
});
