export * from './connection-key';
export * from './secret-inputs';
export * from './type-descriptor';
export * from './type-registry';
