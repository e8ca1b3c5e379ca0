export * from './application';
export * from './component-types';
export * from './connection-keys';
export * from './environment';
export * from './phases';
