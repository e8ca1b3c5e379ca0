import { describe, expect, it } from 'vitest';
import { applyOverride, mergeComponent, mergeProperties } from './override';
import type { RawComponent } from './policy-types';

const web: RawComponent = {
  name: 'web',
  type: 'webservice',
  properties: { image: 'nginx:1.25', env: [{ name: 'A', value: '1' }], resources: { cpu: '0.5', memory: '256Mi' } },
  traits: [
    { type: 'scaler', properties: { replicas: 1 } },
    { type: 'service-binding', properties: { envMappings: { DB_HOST: { secret: 'db' } } } },
  ],
};
const db: RawComponent = { name: 'db', type: 'rds', properties: { engine: 'mysql', storageGB: 20 } };

describe('mergeProperties', () => {
  it('merges mappings deeply, replaces lists and scalars, keeps the base where the patch has null', () => {
    const merged = mergeProperties(web.properties, {
      image: 'nginx:1.27',
      env: [{ name: 'B', value: '2' }],
      resources: { memory: '1Gi', limits: { cpu: '1' } },
      cmd: null,
    });
    expect(merged).toEqual({
      image: 'nginx:1.27',
      env: [{ name: 'B', value: '2' }],
      resources: { cpu: '0.5', memory: '1Gi', limits: { cpu: '1' } },
    });
    expect(web.properties?.image).toBe('nginx:1.25');
  });

  it('lets false, 0 and empty strings replace the base value', () => {
    expect(
      mergeProperties(
        { publicConnection: true, replicas: 3, note: 'x' },
        { publicConnection: false, replicas: 0, note: '' },
      ),
    ).toEqual({
      publicConnection: false,
      replicas: 0,
      note: '',
    });
  });
});

describe('mergeComponent', () => {
  it('merges traits by type in the base order, appends new ones and removes disabled ones', () => {
    const merged = mergeComponent(web, {
      traits: [
        { type: 'service-binding', disable: true },
        { type: 'gateway', properties: { domain: 'a.example' }, disable: false },
        { type: 'scaler', properties: { replicas: 3 }, disable: false },
        { type: 'labels', disable: true },
      ],
    });
    expect(merged.traits).toEqual([
      { type: 'scaler', properties: { replicas: 3 } },
      { type: 'gateway', properties: { domain: 'a.example' } },
    ]);
    expect(merged.properties).toEqual(web.properties);
    expect(web.traits).toHaveLength(2);
  });
});

describe('applyOverride', () => {
  it('patches by name, by type, every component when neither is given, and by wildcard', () => {
    const components = [web, db, { name: 'web-admin', type: 'webservice', properties: { image: 'admin:1' } }];
    expect(
      applyOverride(components, { components: [{ name: 'db', properties: { storageGB: 100 }, traits: [] }] })[1]
        .properties,
    ).toEqual({
      engine: 'mysql',
      storageGB: 100,
    });
    const byType = applyOverride(components, {
      components: [{ type: 'webservice', properties: { port: 80 }, traits: [] }],
    });
    expect(byType.map((c) => c.properties?.port)).toEqual([80, undefined, 80]);
    const all = applyOverride(components, { components: [{ properties: { region: 'cn-hangzhou' }, traits: [] }] });
    expect(all.every((c) => c.properties?.region === 'cn-hangzhou')).toBe(true);
    const wildcard = applyOverride(components, {
      components: [{ name: 'web*', properties: { image: 'x:2' }, traits: [] }],
    });
    expect(wildcard.map((c) => c.properties?.image)).toEqual(['x:2', undefined, 'x:2']);
    // whole names only: "web" does not also patch "web-admin"
    const exact = applyOverride(components, {
      components: [{ name: 'web', properties: { image: 'x:3' }, traits: [] }],
    });
    expect(exact.map((c) => c.properties?.image)).toEqual(['x:3', undefined, 'admin:1']);
  });

  it('replaces a component whose type the patch changes, adds a component it does not have, and selects', () => {
    const replaced = applyOverride([web, db], {
      components: [{ name: 'db', type: 'oss', properties: { acl: 'private' }, traits: [] }],
    });
    expect(replaced[1]).toEqual({ name: 'db', type: 'oss', properties: { acl: 'private' } });
    const added = applyOverride([web, db], {
      components: [{ name: 'cache', type: 'redis', properties: { capacityMB: 256 }, traits: [] }],
      selector: ['cache', 'web'],
    });
    expect(added.map((c) => c.name)).toEqual(['web', 'cache']);
    expect(added[1]).toEqual({ name: 'cache', type: 'redis', properties: { capacityMB: 256 } });
  });
});
