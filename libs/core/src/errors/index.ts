export * from './coded.error';
export * from './provider.error';
export * from './validation-problem';
