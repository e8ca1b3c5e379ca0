export * from './binding-resolver';
