import * as k8s from '@kubernetes/client-node';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { KubernetesRuntimeSettings } from './kubernetes-runtime-settings';

/** Loads the kubeconfig the settings name. Throws ProviderError(InvalidRequest) when it cannot be used. */
export function loadKubeConfig(settings: KubernetesRuntimeSettings): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    if (settings.inCluster) kc.loadFromCluster();
    else if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    const where = settings.inCluster
      ? 'the in-cluster service account'
      : (settings.kubeconfig ?? 'the default kubeconfig');
    throw new ProviderError(ProviderErrorCode.InvalidRequest, `cannot load ${where}: ${(error as Error).message}`);
  }
  if (settings.context) {
    if (!kc.getContexts().some((context) => context.name === settings.context)) {
      throw new ProviderError(ProviderErrorCode.InvalidRequest, `kubeconfig has no context "${settings.context}"`);
    }
    kc.setCurrentContext(settings.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ProviderError(ProviderErrorCode.InvalidRequest, 'kubeconfig has no current cluster');
  }
  return kc;
}

/**
 * A KubernetesObjectApi whose every request is cancelled when `signal` aborts, and gives up after
 * `requestTimeoutMs` on its own.
 */
export function makeObjectApi(
  kc: k8s.KubeConfig,
  signal: AbortSignal,
  requestTimeoutMs: number,
): k8s.KubernetesObjectApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ProviderError(ProviderErrorCode.InvalidRequest, 'kubeconfig has no current cluster');
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]));
          return Promise.resolve(context);
        },
        post: (response) => Promise.resolve(response),
      },
    ],
  });
  return new k8s.KubernetesObjectApi(configuration);
}
