export * from './errors';
export * from './graph';
export * from './model';
export * from './ports';
export * from './bindings';
export * from './secrets';
export * from './lifecycle';
export * from './time';
