export * from './labels';
export * from './render/kube-object';
export * from './render/manifest.renderer';
export * from './render/workload-properties';
export { type KubeconfigSources, MAX_KUBECONFIG_BYTES } from './runtime/kube-client';
export * from './runtime/kube-error.mapper';
export * from './runtime/kubernetes-runtime-settings';
export * from './runtime/kubernetes.runtime';
export * from './runtime/rollout-status';
