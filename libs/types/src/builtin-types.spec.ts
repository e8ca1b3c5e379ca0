import { isUnsupported, type JsonObject, type TypeDescriptor } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TYPES, PATTERN_HINTS } from './builtin-types';

/** The schema node a property path (`accounts/*\/password`) names, or undefined. */
function schemaAt(schema: JsonObject, path: string[]): JsonObject | undefined {
  let node: JsonObject | undefined = schema;
  for (const segment of path) {
    if (!node) return undefined;
    node =
      segment === '*'
        ? (node.items as JsonObject)
        : ((node.properties as Record<string, JsonObject>)?.[segment] ?? undefined);
  }
  return node;
}

const cloud = BUILTIN_TYPES.list('cloud');

describe('the built-in types', () => {
  it('registers every type of DESIGN section 2 once, redis among the cloud types', () => {
    expect(BUILTIN_TYPES.names('cloud')).toEqual(['rds', 'oss', 'slb', 'vpc', 'redis']);
    expect(BUILTIN_TYPES.names('workload')).toEqual([
      'webservice',
      'worker',
      'task',
      'cron-task',
      'daemon',
      'k8s-objects',
      'raw',
      'ref-objects',
    ]);
    expect(BUILTIN_TYPES.names('trait')).toEqual([
      'service-binding',
      'scaler',
      'expose',
      'gateway',
      'ingress',
      'labels',
      'annotations',
      'env',
      'command',
      'resource',
      'sidecar',
      'init-container',
      'storage',
      'hpa',
      'cpuscaler',
      'service-account',
      'affinity',
      'hostalias',
      'json-patch',
      'json-merge-patch',
    ]);
    expect(BUILTIN_TYPES.resolve('alibaba-redis')?.descriptor.name).toBe('redis');
    expect(BUILTIN_TYPES.resolve('alibaba-vswitch')?.descriptor.name).toBe('vpc');
  });

  it.each(cloud.map((d) => [d.name, d] as [string, TypeDescriptor]))(
    '%s: every secret input is a writeOnly property of its schema, and every sensitive key is flagged',
    (_name, descriptor) => {
      for (const path of descriptor.secretInputs ?? [])
        expect(schemaAt(descriptor.schema, path.split('/'))?.writeOnly, path).toBe(true);
      for (const path of descriptor.generatedInputs ?? []) expect(descriptor.secretInputs).toContain(path);
      expect((descriptor.connectionKeys ?? []).length).toBeGreaterThan(0);
    },
  );

  it.each(cloud.map((d) => [d.name, d] as [string, TypeDescriptor]))(
    "%s: a rotation reissues and holds only the type's own sensitive keys",
    (_name, descriptor) => {
      if (!descriptor.rotation) return;
      const keys = new Map((descriptor.connectionKeys ?? []).map((k) => [k.name, k]));
      for (const key of descriptor.rotation.reissues) expect(keys.has(key), key).toBe(true);
      const held = descriptor.rotation.holds;
      if (held) {
        expect(keys.get(held.key)?.sensitive).toBe(true);
        expect(descriptor.secretInputs).toContain(held.input);
      }
    },
  );

  it.each(BUILTIN_TYPES.aliasList().map((a) => [a.alias, a] as const))(
    '%s: every KubeVela property moves to a property of the canonical schema',
    (_alias, alias) => {
      const schema = BUILTIN_TYPES.require(alias.canonical).schema;
      for (const [name, property] of alias.properties) {
        if (isUnsupported(property) || property.to.length === 0) continue;
        const target = property.to.map((segment) => (/^\d+$/.test(segment) ? '*' : segment));
        expect(schemaAt(schema, target), `${name} → ${property.to.join('/')}`).toBeDefined();
      }
    },
  );

  it('takes step timeouts from the descriptors: rds the longest cloud type, redis about 30 minutes', () => {
    const timeouts = BUILTIN_TYPES.stepTimeouts();
    expect(timeouts.rds).toBe(40 * 60_000);
    expect(timeouts.redis).toBe(30 * 60_000);
    expect(Math.max(...BUILTIN_TYPES.names('cloud').map((t) => timeouts[t] ?? 0))).toBe(timeouts.rds);
  });

  it('lets rds, oss and redis rotate, redis holding the password it issues', () => {
    expect(BUILTIN_TYPES.rotatable()).toEqual(['rds', 'oss', 'redis']);
    expect(BUILTIN_TYPES.require('redis').rotation?.holds).toEqual({ input: 'password', key: 'REDIS_PASSWORD' });
    expect(BUILTIN_TYPES.isSensitiveKey('redis', 'REDIS_URL')).toBe(true);
    expect(BUILTIN_TYPES.isSensitiveKey('redis', 'REDIS_HOST')).toBe(false);
  });

  it("gives a validation message words for a type's own patterns, brought by its folder (redis)", () => {
    const redis = BUILTIN_TYPES.require('redis').schema.properties as Record<string, JsonObject>;
    const accountName = schemaAt(BUILTIN_TYPES.require('redis').schema, ['accounts', '*', 'name'])!;
    expect(PATTERN_HINTS[String(accountName.pattern)]).toMatch(/^an account name: a lowercase letter/);
    expect(PATTERN_HINTS[String(redis.engineVersion!.pattern)]).toBe('a Redis version such as 5.0 or 7.0');
  });
});
