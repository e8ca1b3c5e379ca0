export * from './policy-types';
export * from './read-policies';
export * from './override';
export * from './topology';
export * from './env-binding';
export * from './deliveries';
export * from './resource-policies';
export { FieldReader } from './field-reader';
export * from './shared-resources';
