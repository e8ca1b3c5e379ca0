import { describe, expect, it } from 'vitest';
import { readPolicies } from './read-policies';
import { resourcePolicies } from './resource-policies';

describe('readPolicies', () => {
  it('reads every policy type Berth carries out', () => {
    const { policies, problems } = readPolicies([
      {
        name: 'topo',
        type: 'topology',
        properties: { clusterSelector: { tier: 'prod' }, namespace: 'shop', allowEmpty: true },
      },
      {
        name: 'gc',
        type: 'garbage-collect',
        properties: { keepLegacyResource: true, rules: [{ selector: { componentTypes: ['rds'] }, strategy: 'never' }] },
      },
      {
        name: 'once',
        type: 'apply-once',
        properties: {
          enable: true,
          rules: [{ selector: { componentNames: ['web'] }, strategy: { path: ['spec.replicas'] } }],
        },
      },
      { name: 'share', type: 'shared-resource', properties: { rules: [{ selector: { componentNames: ['db'] } }] } },
      { name: 'ro', type: 'read-only', properties: { rules: [{ selector: { componentTypes: ['vpc'] } }] } },
    ]);
    expect(problems).toEqual([]);
    expect(policies[0]).toMatchObject({
      type: 'topology',
      clusterLabelSelector: { tier: 'prod' },
      namespace: 'shop',
      allowEmpty: true,
    });
    const db = { name: 'db', type: 'rds' };
    expect(resourcePolicies(policies, db)).toEqual({
      shared: true,
      readOnly: false,
      whenRemovedFromSpec: 'keep',
      whenApplicationDeleted: 'keep',
    });
    expect(resourcePolicies(policies, { name: 'web', type: 'webservice' })).toEqual({
      shared: false,
      readOnly: false,
      applyOnce: { path: ['spec.replicas'], affect: 'onUpdate' },
      whenRemovedFromSpec: 'keep',
      whenApplicationDeleted: 'delete',
    });
    expect(resourcePolicies(policies, { name: 'net', type: 'vpc' }).readOnly).toBe(true);
  });

  it('refuses unknown types, unknown fields and wrong shapes, with the path as written', () => {
    const { problems } = readPolicies([
      { name: 'a', type: 'replication', properties: {} },
      {
        name: 'b',
        type: 'topology',
        properties: { clusters: ['dev', 3], clusterLabelSelector: { tier: 'prod' }, region: 'x' },
      },
      {
        name: 'c',
        type: 'override',
        properties: { components: [{ name: 'web', traits: [{ properties: {} }], replicas: 2 }] },
      },
      {
        name: 'd',
        type: 'garbage-collect',
        properties: { rules: [{ selector: { resourceTypes: ['Deployment'] }, strategy: 'sometimes' }] },
      },
    ]);
    expect(problems).toEqual([
      {
        path: '/spec/policies/0/type',
        message: expect.stringMatching(/^unknown policy type "replication"; Berth carries out: topology, override/),
      },
      {
        path: '/spec/policies/1/properties/region',
        message: expect.stringContaining('is not a field of a topology policy'),
      },
      { path: '/spec/policies/1/properties/clusters/1', message: 'must be a non-empty string, found a number' },
      {
        path: '/spec/policies/1/properties/clusterLabelSelector',
        message: 'cannot be used together with clusters; give one of them',
      },
      {
        path: '/spec/policies/2/properties/components/0/replicas',
        message: expect.stringContaining('is not a field of a component override'),
      },
      { path: '/spec/policies/2/properties/components/0/traits/0/type', message: 'is required' },
      {
        path: '/spec/policies/3/properties/rules/0/selector/resourceTypes',
        message: expect.stringContaining('is not carried out by Berth'),
      },
      {
        path: '/spec/policies/3/properties/rules/0/strategy',
        message: 'must be one of onAppUpdate, onAppDelete, never, found "sometimes"',
      },
    ]);
  });
});
