import { describe, expect, it } from 'vitest';

// @kubernetes/client-node is ESM-only; this proves the test runner loads it (the reason for Vitest over Jest).
describe('@kubernetes/client-node under the test runner', () => {
  it('imports and builds a client from an in-memory kubeconfig', async () => {
    const k8s = await import('@kubernetes/client-node');
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
      users: [{ name: 'u', token: 'x' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u', namespace: 'team-a' }],
      currentContext: 'ctx',
    });
    const api = config.makeApiClient(k8s.CoreV1Api);
    expect(api).toBeInstanceOf(k8s.CoreV1Api);
    expect(config.getContextObject('ctx')?.namespace).toBe('team-a');
  });
});
