import { isUnsupported, REDACTED } from '@berth/core';
import { isAlias, isDocument, isMap, isScalar, isSeq, parseDocument as parseYamlDocument, type Document } from 'yaml';
import { resolveComponentType } from '../definitions/definition-registry';
import { isPlainObject } from '../validation/json-values';

/**
 * Where secret inputs are, per written type: the descriptor's secret-input paths (`password`, `accounts/*` then
 * `password`), and under a KubeVela alias the same paths spelt with the alias's property names.
 */
function secretPaths(type: unknown): string[][] {
  if (typeof type !== 'string') return [];
  const resolved = resolveComponentType(type);
  if (!resolved) return [];
  const canonical = (resolved.descriptor.secretInputs ?? []).map((pattern) => pattern.split('/'));
  const paths = [...canonical];
  for (const [name, property] of resolved.alias?.properties ?? []) {
    if (isUnsupported(property) || property.to.length === 0) continue;
    for (const pattern of canonical) {
      const to = property.to;
      if (to.length <= pattern.length && to.every((segment, i) => segment === pattern[i]))
        paths.push([name, ...pattern.slice(to.length)]);
    }
  }
  const seen = new Set<string>();
  return paths.filter((path) => !seen.has(path.join('/')) && seen.add(path.join('/')));
}

/** Replaces whatever is at `path` under `node` (a `*` segment: every item of a list) by REDACTED. */
function redactAt(node: unknown, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (head === '*') {
    if (Array.isArray(node)) for (const item of node) redactAt(item, rest);
    return;
  }
  if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, head)) return;
  if (rest.length === 0) node[head] = REDACTED;
  else redactAt(node[head], rest);
}

function redactComponents(components: unknown): void {
  if (!Array.isArray(components)) return;
  for (const component of components) {
    if (!isPlainObject(component) || !isPlainObject(component.properties)) continue;
    for (const path of secretPaths(component.type)) redactAt(component.properties, path);
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
    for (const path of secretPaths(isScalar(type) ? type.value : undefined)) redactNodeAt(document, properties, path);
  }
  // An alias could point at a secret's anchor; after redaction the anchor is gone, so aliases resolve to nothing secret.
  return String(document);
}

/** redactAt over the YAML nodes of `document`, keeping everything around the redacted values. */
function redactNodeAt(document: Document, node: unknown, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (head === '*') {
    if (isSeq(node)) for (const item of node.items) redactNodeAt(document, deref(document, item), rest);
    return;
  }
  if (!isMap(node)) return;
  const value = node.get(head, true);
  if (value === undefined) return;
  if (rest.length > 0) return redactNodeAt(document, deref(document, value), rest);
  if (isScalar(value)) {
    value.value = REDACTED;
    value.anchor = undefined;
  } else node.set(head, REDACTED);
}

/**
 * A copy of a (normalized or original) document with every secret input of its type (the rds password, a redis account's
 * password; in canonical or KubeVela form) replaced by "<redacted>". Accepts an Application document, an ApplicationSpec, or the original text.
 */
export function redactDocument<T>(document: T): T {
  if (typeof document === 'string') return redactText(document) as T;
  if (!isPlainObject(document)) return document;
  const copy = structuredClone(document) as Record<string, unknown>;
  if (isPlainObject(copy.spec)) redactComponents(copy.spec.components);
  redactComponents(copy.components);
  return copy as T;
}
