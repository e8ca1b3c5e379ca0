import type { JsonObject } from '@berth/core';

/** The internal form of a definition: what the registry publishes and the validator compiles. */
export interface TypeDefinition {
  name: string;
  kind: 'component' | 'trait';
  category: 'cloud' | 'workload' | 'trait';
  description: string;
  /** JSON Schema (draft-07) of `properties`. Secret-valued properties carry `writeOnly: true`. */
  schema: JsonObject;
}

/** Top-level property names a schema marks `writeOnly` (secret-valued: redacted on every read). */
export function secretPropertiesOf(schema: JsonObject): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  return Object.keys(properties).filter((name) => properties[name]!.writeOnly === true);
}
