import type { JsonObject } from '@berth/core';
import type { Definition } from '../oam.types';

interface Row {
  name: string;
  description: string;
  type: string;
  required: boolean;
  defaultValue: unknown;
}

function typeOf(schema: JsonObject): string {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (schema.type === 'array') {
    const items = (schema.items ?? {}) as JsonObject;
    return items.type === 'object' ? '[]object' : `[]${typeOf(items)}`;
  }
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `map[string]${typeOf(schema.additionalProperties as JsonObject)}`;
  }
  return Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function collect(schema: JsonObject, prefix: string, rows: Row[]): void {
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((schema.required ?? []) as string[]);
  for (const [name, property] of Object.entries(properties)) {
    const path = prefix + name;
    rows.push({
      name: path,
      description: String(property.description ?? ''),
      type: typeOf(property),
      required: required.has(name),
      defaultValue: property.default,
    });
    if (property.type === 'object' && property.properties) collect(property, `${path}.`, rows);
    const items = property.items as JsonObject | undefined;
    if (property.type === 'array' && items?.type === 'object') collect(items, `${path}[].`, rows);
    const values = property.additionalProperties as JsonObject | undefined;
    if (values && typeof values === 'object' && values.properties) collect(values, `${path}.<name>.`, rows);
  }
}

/** The properties of a schema as a Markdown table (name | description | type | required | default), as `vela show` prints. */
function propertiesTable(schema: JsonObject): string[] {
  const rows: Row[] = [];
  collect(schema, '', rows);
  const lines = ['| name | description | type | required | default |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const defaultValue = row.defaultValue === undefined ? '' : `\`${JSON.stringify(row.defaultValue)}\``;
    lines.push(
      `| ${cell(row.name)} | ${cell(row.description)} | ${cell(row.type)} | ${row.required} | ${cell(defaultValue)} |`,
    );
  }
  return lines;
}

/** The connection keys as a Markdown table (name | sensitive | description), the same facts as the JSON answer. */
function connectionKeysTable(keys: Definition['connectionKeys']): string[] {
  const lines = ['| name | sensitive | description |', '| --- | --- | --- |'];
  for (const key of keys) lines.push(`| ${cell(key.name)} | ${key.sensitive} | ${cell(key.description)} |`);
  return lines;
}

/**
 * A definition as one Markdown document: its name and description, the properties table (as `vela show` prints it),
 * and for a cloud component the connection keys its secret carries, the sensitive ones flagged.
 */
export function definitionMarkdown(definition: Omit<Definition, 'markdown'>): string {
  const lines = [`# ${definition.name}`, '', cell(definition.description), ''];
  if (definition.aliases.length > 0) lines.push(`KubeVela aliases: ${definition.aliases.join(', ')}`, '');
  if (definition.appliesToWorkloads)
    lines.push(`Applies to workloads of kind: ${definition.appliesToWorkloads.join(', ')}`, '');
  lines.push('## Properties', '');
  lines.push(...propertiesTable(definition.schema));
  if (definition.connectionKeys.length > 0) {
    lines.push('', '## Connection keys', '', ...connectionKeysTable(definition.connectionKeys));
  }
  return lines.join('\n') + '\n';
}
