export * from './test-inventory';
export * from './test-outputs';
export * from './test-provider-settings';
export * from './test.provider';
