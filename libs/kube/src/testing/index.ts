export * from './kube-schema';
export * from './render-fixture';
