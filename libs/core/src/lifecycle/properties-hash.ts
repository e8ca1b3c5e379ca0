import { createHash } from 'node:crypto';
import type { CloudComponentSpec } from '../model';

/**
 * JSON with object keys sorted at every level, so equal content always serializes to the same text (content hashes,
 * properties hashes, "did the secret change"). `undefined` members are dropped and `undefined` items and values
 * written as null, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * What decides whether a cloud component must be re-applied: its type, properties, provider profile and the name of its
 * connection secret (sha256 hex of their canonical JSON). Recorded after each successful provision.
 */
export function componentPropertiesHash(component: CloudComponentSpec): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        type: component.type,
        properties: component.properties,
        providerRef: component.providerRef ?? null,
        connectionSecretName: component.connectionSecretName,
      }),
    )
    .digest('hex');
}

/**
 * The idempotency key of a cloud component's resource: the same for every apply, retry or crash-resume of one
 * (environment, application, component), different for anything else.
 */
export function resourceIdempotencyKey(environment: string, application: string, component: string): string {
  return createHash('sha256').update(`berth\0${environment}\0${application}\0${component}`).digest('hex').slice(0, 32);
}
