export * from './provider.error';
export * from './validation-problem';
