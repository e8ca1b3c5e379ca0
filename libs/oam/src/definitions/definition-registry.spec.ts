import { BUILTIN_TYPES } from '@berth/types';
import { describe, expect, it } from 'vitest';
import { getDefinition, listDefinitions } from './definition-registry';

describe('definitions', () => {
  it('lists one definition per registered type and trait, with aliases', () => {
    const list = listDefinitions();
    // Which types exist is libs/types' (builtin-types.spec.ts); here: each of them once, in the registry's order.
    expect(list.map((d) => d.name)).toEqual(BUILTIN_TYPES.list().map((d) => d.name));
    expect(list.find((d) => d.name === 'vpc')).toMatchObject({
      kind: 'component',
      category: 'cloud',
      aliases: ['alibaba-vpc', 'alibaba-vswitch'],
    });
    expect(list.find((d) => d.name === 'service-binding')).toMatchObject({
      kind: 'trait',
      category: 'trait',
      aliases: [],
    });
    for (const definition of list) expect(definition.description.length).toBeGreaterThan(10);
  });

  it('finds a definition by alias, with the connection keys core publishes and sensitive ones flagged', () => {
    const rds = getDefinition('alibaba-rds')!;
    expect(rds.name).toBe('rds');
    expect(rds.connectionKeys.map((k) => k.name)).toEqual(BUILTIN_TYPES.connectionKeys('rds').map((k) => k.name));
    expect(rds.connectionKeys.find((k) => k.name === 'DB_PASSWORD')).toMatchObject({ sensitive: true });
    expect(rds.connectionKeys.find((k) => k.name === 'DB_PUBLIC_HOST')!.description).toContain(
      'only when publicConnection',
    );
    expect(getDefinition('webservice')!.connectionKeys).toEqual([]);
    expect(getDefinition('nope')).toBeUndefined();
  });

  it('describes every property with a description, and rds as DESIGN section 2 lists it', () => {
    const rds = getDefinition('rds')!;
    const properties = rds.schema.properties as Record<string, Record<string, unknown>>;
    for (const [name, property] of Object.entries(properties)) expect(property.description, name).toBeTruthy();
    expect(properties.engine).toMatchObject({ enum: ['mysql', 'postgresql'] });
    expect(properties.publicConnection).toMatchObject({ default: false });
    expect(properties.securityIps).not.toHaveProperty('default');
    expect(properties.password).toMatchObject({ writeOnly: true });
    expect(rds.schema.required ?? []).not.toContain('password');
    expect(getDefinition('webservice')!.schema.required as string[]).toEqual(['image']);
  });

  it('renders the properties as a Markdown table like vela show', () => {
    const markdown = getDefinition('slb')!.markdown;
    const lines = markdown.trim().split('\n');
    expect(lines[0]).toBe('# slb');
    expect(lines.indexOf('| name | description | type | required | default |')).toBe(
      lines.indexOf('## Properties') + 2,
    );
    expect(lines).toContain(
      '| addressType | Private address in the network, or a public one | "intranet" \\| "internet" | false | `"intranet"` |',
    );
    expect(lines.some((l) => l.startsWith('| listeners[].port | Port clients connect to | integer | true |'))).toBe(
      true,
    );
    expect(getDefinition('service-binding')!.markdown).toContain('| envMappings.<name>.secret |');
  });

  it('puts the connection keys into the Markdown, sensitive ones flagged, as the JSON has them', () => {
    const rds = getDefinition('alibaba-rds')!;
    const lines = rds.markdown.trim().split('\n');
    const table = lines.slice(lines.indexOf('## Connection keys') + 2);
    expect(table.slice(0, 2)).toEqual(['| name | sensitive | description |', '| --- | --- | --- |']);
    expect(table.slice(2)).toEqual(
      rds.connectionKeys.map((key) => `| ${key.name} | ${key.sensitive} | ${key.description} |`),
    );
    expect(table).toContain('| DB_PASSWORD | true | Account password |');
    expect(table).toContain('| DB_HOST | false | Private host name of the database instance |');
    expect(lines).toContain('KubeVela aliases: alibaba-rds');
    // Workloads and traits publish no connection secret: no such section.
    expect(getDefinition('webservice')!.markdown).not.toContain('Connection keys');
    expect(getDefinition('service-binding')!.markdown).not.toContain('Connection keys');
  });

  it('returns copies: changing a returned schema changes nothing for the next caller', () => {
    (getDefinition('oss')!.schema.properties as Record<string, unknown>).acl = 'broken';
    expect((getDefinition('oss')!.schema.properties as Record<string, unknown>).acl).toMatchObject({
      default: 'private',
    });
  });
});
