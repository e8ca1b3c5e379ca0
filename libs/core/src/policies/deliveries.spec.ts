import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../model';
import { checkPolicyReferences, planDeploy, type PolicyContext } from './deliveries';
import type { EnvironmentRef, RawComponent } from './policy-types';
import { readPolicies } from './read-policies';

const environments: EnvironmentRef[] = [
  { name: 'dev', labels: { tier: 'dev' } },
  { name: 'staging', labels: { tier: 'staging' } },
  { name: 'prod', labels: { tier: 'prod', region: 'cn-hangzhou' } },
  { name: 'prod-2', labels: { tier: 'prod', region: 'cn-shanghai' } },
];
const components: RawComponent[] = [
  { name: 'net', type: 'vpc', properties: { cidr: '10.0.0.0/16' } },
  { name: 'db', type: 'rds', properties: { engine: 'mysql', storageGB: 20, network: 'net' } },
  {
    name: 'web',
    type: 'webservice',
    properties: { image: 'shop:1.0' },
    traits: [{ type: 'scaler', properties: { replicas: 1 } }],
  },
];

function context(specs: PolicySpec[], home = 'dev'): PolicyContext {
  const { policies, problems } = readPolicies(specs);
  expect(problems).toEqual([]);
  return { components, policies, environments, home };
}

const policies: PolicySpec[] = [
  { name: 'staging', type: 'topology', properties: { clusters: ['staging'], namespace: 'shop' } },
  { name: 'prod', type: 'topology', properties: { clusterLabelSelector: { tier: 'prod' } } },
  {
    name: 'staging-image',
    type: 'override',
    properties: { components: [{ name: 'web', properties: { image: 'shop:1.1' } }] },
  },
  {
    name: 'prod-size',
    type: 'override',
    properties: {
      components: [
        { name: 'db', properties: { storageGB: 100 } },
        { type: 'webservice', traits: [{ type: 'scaler', properties: { replicas: 3 } }] },
      ],
    },
  },
];

describe('planDeploy', () => {
  it('gives each selected environment the components with the named overrides, in the namespace of its topology', () => {
    const staging = planDeploy(context(policies), ['staging', 'staging-image']);
    expect(staging).toHaveLength(1);
    expect(staging[0]).toMatchObject({ environment: 'staging', namespace: 'shop' });
    expect(staging[0].components.find((c) => c.name === 'web')?.properties?.image).toBe('shop:1.1');

    const prod = planDeploy(context(policies), ['prod', 'prod-size']);
    expect(prod.map((delivery) => delivery.environment)).toEqual(['prod', 'prod-2']);
    for (const delivery of prod) {
      expect(delivery.components.find((c) => c.name === 'db')?.properties).toEqual({
        engine: 'mysql',
        storageGB: 100,
        network: 'net',
      });
      expect(delivery.components.find((c) => c.name === 'web')?.traits).toEqual([
        { type: 'scaler', properties: { replicas: 3 } },
      ]);
    }
    expect(components[1].properties?.storageGB).toBe(20);
  });

  it('delivers to the home environment when no topology is named, and to `local` only by name', () => {
    expect(planDeploy(context(policies, 'staging'), ['staging-image']).map((d) => d.environment)).toEqual(['staging']);
    const withLocal = {
      ...context([{ name: 'here', type: 'topology', properties: { clusters: ['local'] } }]),
      environments: [...environments, { name: 'local', labels: {} }],
    };
    expect(planDeploy(withLocal, ['here']).map((d) => d.environment)).toEqual(['local']);
  });

  it('carries out a deprecated env-binding as a topology and an override per env', () => {
    const envBinding = context([
      {
        name: 'envs',
        type: 'env-binding',
        properties: {
          envs: [
            {
              name: 'test',
              placement: { clusterSelector: { name: 'staging' } },
              patch: { components: [{ name: 'web', type: 'webservice', properties: { image: 'shop:test' } }] },
            },
            {
              name: 'live',
              placement: { clusterSelector: { labels: { tier: 'prod' } }, namespaceSelector: { name: 'live' } },
              selector: { components: ['web'] },
            },
          ],
        },
      },
    ]);
    const test = planDeploy(envBinding, ['envs-test']);
    expect(test.map((d) => d.environment)).toEqual(['staging']);
    expect(test[0].components.find((c) => c.name === 'web')?.properties?.image).toBe('shop:test');
    const live = planDeploy(envBinding, ['envs-live']);
    expect(live.map((d) => [d.environment, d.namespace])).toEqual([
      ['prod', 'live'],
      ['prod-2', 'live'],
    ]);
    expect(live[0].components.map((c) => c.name)).toEqual(['web']);
  });
});

describe('checkPolicyReferences', () => {
  it('names the unknown environment, the empty selection, the missing component and the bad selector by path', () => {
    const problems = checkPolicyReferences(
      context([
        { name: 'a', type: 'topology', properties: { clusters: ['dev', 'qa'] } },
        { name: 'b', type: 'topology', properties: { clusterLabelSelector: { tier: 'perf' } } },
        { name: 'c', type: 'topology', properties: { clusterLabelSelector: { tier: 'perf' }, allowEmpty: true } },
        {
          name: 'd',
          type: 'override',
          properties: {
            components: [
              { name: 'cache', properties: { size: 1 } },
              { name: 'x*', type: 'redis' },
            ],
            selector: ['web', 'queue'],
          },
        },
      ]),
    );
    expect(problems).toEqual([
      {
        path: '/spec/policies/0/properties/clusters/1',
        message: 'no environment "qa" (environments: dev, staging, prod, prod-2)',
      },
      {
        path: '/spec/policies/1/properties/clusterLabelSelector',
        message: expect.stringContaining('selects no environment (labels tier=perf)'),
      },
      {
        path: '/spec/policies/3/properties/components/0/name',
        message: expect.stringContaining('matches no component (components: net, db, web)'),
      },
      {
        path: '/spec/policies/3/properties/components/1/name',
        message: expect.stringContaining('a pattern adds no component'),
      },
      {
        path: '/spec/policies/3/properties/selector/1',
        message: 'selects the component "queue", which does not exist',
      },
    ]);
  });

  it('points into the env-binding env that was written', () => {
    const problems = checkPolicyReferences(
      context([
        {
          name: 'envs',
          type: 'env-binding',
          properties: { envs: [{ name: 'x', placement: { clusterSelector: { name: 'nowhere' } } }] },
        },
      ]),
    );
    expect(problems).toEqual([
      {
        path: '/spec/policies/0/properties/envs/0/placement/clusterSelector/name',
        message: expect.stringContaining('no environment "nowhere"'),
      },
    ]);
  });
});
