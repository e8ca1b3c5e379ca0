export * from './errors';
export * from './graph';
export * from './model';
export * from './ports';
