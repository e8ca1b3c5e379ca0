/**
 * PUBLIC CONTRACT of @berth/types: the built-in component types and traits, one folder each (schema, connection keys,
 * secret inputs, rotation, step timeout, checks, references, KubeVela aliases), assembled in BUILTIN_TYPES.
 */
export { BUILTIN_TYPES } from './builtin-types';
export { CLOUD_COMMON_FIELDS, CLOUD_PROPERTY_ONLY_FIELDS } from './shared/cloud-common.schema';
export { PATTERN_HINTS } from './shared/schema-patterns';
export { rdsDatabases, type RdsDatabase } from './rds/rds.type';
