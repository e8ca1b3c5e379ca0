import { REDACTED } from '@berth/core';
import { isAlias, isDocument, isMap, isScalar, isSeq, parseDocument as parseYamlDocument, type Document } from 'yaml';
import { TYPE_ALIASES } from '../aliases/kubevela-aliases';
import { componentDefinitionFor } from '../definitions/definition-registry';
import { secretPropertiesOf } from '../definitions/type-definition';
import { isPlainObject } from '../validation/json-values';

/** Property names holding secrets, per written type (canonical and alias names). */
function secretPropertyNames(type: unknown): string[] {
  if (typeof type !== 'string') return [];
  const definition = componentDefinitionFor(type);
  if (!definition) return [];
  const canonical = secretPropertiesOf(definition.schema);
  const alias = TYPE_ALIASES.get(type);
  if (!alias) return canonical;
  const aliased = [...alias.properties]
    .filter(([, p]) => 'to' in p && canonical.includes(p.to.join('/')))
    .map(([name]) => name);
  return [...new Set([...canonical, ...aliased])];
}

function redactComponents(components: unknown): void {
  if (!Array.isArray(components)) return;
  for (const component of components) {
    if (!isPlainObject(component) || !isPlainObject(component.properties)) continue;
    for (const name of secretPropertyNames(component.type)) {
      if (Object.prototype.hasOwnProperty.call(component.properties, name)) component.properties[name] = REDACTED;
    }
  }
}

/** The node an alias stands for (an alias to an alias is resolved by the library), or the node itself. */
function deref(document: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

/**
 * Redacts the original YAML/JSON text in place of its values, keeping its layout and comments. Aliases are followed
 * (`type: *t`, `properties: *p`), but a secret spelt some other way may survive here: redactSourceText checks the
 * result and falls back to a re-serialization.
 */
function redactText(text: string): string {
  let document: Document;
  try {
    document = parseYamlDocument(text, { version: '1.2', uniqueKeys: false, keepSourceTokens: false });
  } catch {
    return REDACTED;
  }
  if (!isDocument(document) || document.errors.length > 0) return REDACTED;
  const spec = deref(document, document.get('spec', true));
  const components = isMap(spec) ? deref(document, spec.get('components', true)) : undefined;
  if (!isSeq(components)) return text;
  for (const item of components.items) {
    const component = deref(document, item);
    if (!isMap(component)) continue;
    const properties = deref(document, component.get('properties', true));
    if (!isMap(properties)) continue;
    const type = deref(document, component.get('type', true));
    for (const name of secretPropertyNames(isScalar(type) ? type.value : undefined)) {
      const value = properties.get(name, true);
      if (value === undefined) continue;
      if (isScalar(value)) {
        value.value = REDACTED;
        value.anchor = undefined;
      } else properties.set(name, REDACTED);
    }
  }
  // An alias could point at a secret's anchor; after redaction the anchor is gone, so aliases resolve to nothing secret.
  return String(document);
}

/**
 * A copy of a (normalized or original) document with every secret-valued property (the rds password, in canonical or
 * KubeVela form) replaced by "<redacted>". Accepts an Application document, an ApplicationSpec, or the original text.
 */
export function redactDocument<T>(document: T): T {
  if (typeof document === 'string') return redactText(document) as T;
  if (!isPlainObject(document)) return document;
  const copy = structuredClone(document) as Record<string, unknown>;
  if (isPlainObject(copy.spec)) redactComponents(copy.spec.components);
  redactComponents(copy.components);
  return copy as T;
}
