export * from './labels';
export * from './render/bindings-checksum';
export * from './render/kube-object';
export * from './render/manifest.renderer';
export * from './render/workload-properties';
