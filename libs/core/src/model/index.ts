export * from './application';
export * from './component-types';
export * from './environment';
export * from './phases';
