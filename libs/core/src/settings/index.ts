export * from './env-settings';
export * from './env-transforms';
export * from './setting-problem';
