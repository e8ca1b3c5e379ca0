import type { ConnectionKey, Definition, JsonSchema } from '../client/api.types';
import type { Palette } from './colors';
import { formatTable } from './table';

export interface PropertyRow {
  name: string;
  type: string;
  required: boolean;
  default?: string;
  description: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => String(v)).join('|');
  const type = Array.isArray(schema.type) ? schema.type.join('|') : schema.type;
  if (type === 'array' && schema.items) return `${typeOf(schema.items)}[]`;
  if (!type && (schema.oneOf || schema.anyOf)) {
    const options = (schema.oneOf ?? schema.anyOf) as JsonSchema[];
    return options.map(typeOf).join('|');
  }
  return type ?? 'any';
}

/**
 * The rows of a type's properties table: each property with its type, whether it is required, its default and
 * description; nested objects (and arrays of objects) appear as `parent.child` / `parent[].child`, two levels deep.
 */
export function propertyRows(schema: JsonSchema | undefined, prefix = '', depth = 0): PropertyRow[] {
  const rows: PropertyRow[] = [];
  const required = new Set(schema?.required ?? []);
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const path = prefix + name;
    rows.push({
      name: path,
      type: typeOf(property),
      required: required.has(name),
      default: property.default === undefined ? undefined : JSON.stringify(property.default),
      description: (property.description ?? '').replace(/\s+/g, ' ').trim(),
    });
    if (depth < 2) {
      if (property.properties) rows.push(...propertyRows(property, `${path}.`, depth + 1));
      else if (property.items?.properties) rows.push(...propertyRows(property.items, `${path}[].`, depth + 1));
    }
  }
  return rows;
}

function connectionKey(key: ConnectionKey): { name: string; sensitive: boolean; description: string } {
  return typeof key === 'string'
    ? { name: key, sensitive: false, description: '' }
    : { name: key.name, sensitive: key.sensitive === true, description: key.description ?? '' };
}

/** `berth show TYPE`: a header, the properties table and the connection keys (sensitive ones marked). */
export function formatDefinition(definition: Definition, c: Palette): string {
  const lines: string[] = [];
  lines.push(
    `${c.bold(definition.name)}  ${c.dim([...new Set([definition.kind, definition.category].filter(Boolean))].join(' · '))}`,
  );
  if (definition.aliases?.length) lines.push(`aliases: ${definition.aliases.join(', ')}`);
  if (definition.description) lines.push(definition.description);
  const rows = propertyRows(definition.schema);
  lines.push('', c.bold('Properties'));
  if (rows.length === 0) lines.push(c.dim('  (none)'));
  else {
    lines.push(
      formatTable(
        ['property', 'type', 'required', 'default', 'description'],
        rows.map((r) => [r.name, r.type, r.required ? 'yes' : '', r.default ?? '', r.description]),
      ).trimEnd(),
    );
  }
  const keys = (definition.connectionKeys ?? []).map(connectionKey);
  if (keys.length > 0) {
    lines.push('', c.bold('Connection keys'));
    lines.push(
      formatTable(
        ['key', 'sensitive', 'description'],
        keys.map((k) => [k.name, k.sensitive ? c.yellow('yes') : '', k.description]),
      ).trimEnd(),
    );
  }
  return lines.join('\n') + '\n';
}
