export * from './postgres-schema';
export * from './test-databases';
