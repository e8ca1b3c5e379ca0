export * from './operation-log';
export * from './resource-provider.port';
export * from './workload-runtime.port';
