import { createHash } from 'node:crypto';
import type { CloudComponentSpec } from '../model';

/** JSON with object keys sorted at every level; `undefined` members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
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
