export * from './labels';
export * from './render/kube-object';
export * from './render/manifest.renderer';
export * from './render/workload-properties';
export * from './runtime/kube-error.mapper';
export * from './runtime/kubernetes-runtime-settings';
export * from './runtime/kubernetes.runtime';
export * from './runtime/rollout-status';
