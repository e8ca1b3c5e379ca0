import type { JsonObject } from '../model/application';
import type { TypeDescriptor } from './type-descriptor';

/** Where a secret input was found: its concrete path (`accounts/0/password`) and value. */
export interface SecretInputValue {
  path: string;
  value: string;
}

function walk(value: unknown, pattern: string[], at: string[], found: Array<{ at: string[]; value: unknown }>): void {
  if (pattern.length === 0) {
    found.push({ at, value });
    return;
  }
  const [head, ...rest] = pattern;
  if (head === '*') {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, rest, [...at, String(i)], found));
    return;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, head!))
    walk((value as JsonObject)[head!], rest, [...at, head!], found);
}

/** The string values at a descriptor's secret-input paths of `properties`, by concrete path. */
export function secretInputsOf(descriptor: TypeDescriptor, properties: JsonObject): SecretInputValue[] {
  const found: Array<{ at: string[]; value: unknown }> = [];
  for (const pattern of descriptor.secretInputs ?? []) walk(properties, pattern.split('/'), [], found);
  return found
    .filter((f): f is { at: string[]; value: string } => typeof f.value === 'string')
    .map((f) => ({ path: f.at.join('/'), value: f.value }));
}

/** A copy of `properties` without its secret inputs (what status, events and a provider's `properties` carry). */
export function withoutSecretInputs(descriptor: TypeDescriptor, properties: JsonObject): JsonObject {
  const copy = structuredClone(properties);
  for (const { path } of secretInputsOf(descriptor, properties)) {
    const segments = path.split('/');
    let node: unknown = copy;
    for (const segment of segments.slice(0, -1))
      node = Array.isArray(node) ? node[Number(segment)] : (node as JsonObject)[segment];
    if (Array.isArray(node)) continue;
    delete (node as JsonObject)[segments[segments.length - 1]!];
  }
  return copy;
}

/** Whether a property path (`password`, `accounts/2/password`) is one of the descriptor's secret inputs. */
export function isSecretInputPath(descriptor: TypeDescriptor, path: string): boolean {
  const segments = path.split('/');
  return (descriptor.secretInputs ?? []).some((pattern) => {
    const parts = pattern.split('/');
    return (
      parts.length === segments.length &&
      parts.every((part, i) => part === segments[i] || (part === '*' && /^\d+$/.test(segments[i]!)))
    );
  });
}

/** Sets `value` at a concrete property path (`password`, `accounts/0/password`) of `properties` when its parent exists. */
export function setPropertyAt(properties: JsonObject, path: string, value: unknown): void {
  const segments = path.split('/');
  let node: unknown = properties;
  for (const segment of segments.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = Array.isArray(node) ? node[Number(segment)] : (node as JsonObject)[segment];
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  Object.defineProperty(node, segments[segments.length - 1]!, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * The secret inputs a provider gets for a component: those the document gives (by path), and each input the type
 * generates when absent: the one held from before, else a new one (generated once, then held).
 */
export function resolveSecretInputs(
  descriptor: TypeDescriptor,
  given: Readonly<Record<string, string>> | undefined,
  held: Readonly<Record<string, string>>,
  generate: () => string,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [path, value] of Object.entries(given ?? {}))
    if (isSecretInputPath(descriptor, path)) inputs[path] = value;
  for (const path of descriptor.generatedInputs ?? []) inputs[path] ??= held[path] ?? generate();
  return inputs;
}
