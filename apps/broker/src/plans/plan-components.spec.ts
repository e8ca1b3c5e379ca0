import {
  componentPropertiesHash,
  planOperation,
  type ApplicationSpec,
  type CloudComponentSpec,
  type RecordedResource,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { describe, expect, it } from 'vitest';
import { planComponents, summarize, type ComponentServing } from './plan-components';

const cloud = (name: string, type: CloudComponentSpec['type'], properties = {}): CloudComponentSpec => ({
  kind: 'cloud',
  name,
  type,
  properties,
  dependsOn: [],
  traits: [],
  deletionPolicy: 'Delete',
  connectionSecretName: `app-${name}-conn`,
});

const application: ApplicationSpec = {
  name: 'app',
  labels: {},
  annotations: {},
  policies: [],
  components: [
    cloud('same', 'oss'),
    cloud('changed', 'oss', { acl: 'public-read' }),
    cloud('kept', 'oss'),
    cloud('retyped', 'rds'),
    cloud('fresh', 'vpc', { cidr: '10.0.0.0/16' }),
    { kind: 'workload', name: 'web', type: 'webservice', properties: {}, dependsOn: [], traits: [], bindings: [] },
  ],
};

const ready = (component: string, extra: Partial<RecordedResource> = {}): RecordedResource => ({
  component,
  type: 'oss',
  deletionPolicy: 'Delete',
  phase: 'Ready',
  retained: false,
  propertiesHash: componentPropertiesHash(
    application.components.find((c) => c.name === component) as CloudComponentSpec,
  ),
  ...extra,
});

const recorded: RecordedResource[] = [
  ready('same'),
  ready('changed', { propertiesHash: 'old' }),
  ready('kept', { retained: true, phase: 'Retained' }),
  ready('retyped', { type: 'oss', propertiesHash: 'old' }),
  { component: 'gone-db', type: 'rds', deletionPolicy: 'Delete', phase: 'Ready', retained: false },
  { component: 'gone-bucket', type: 'oss', deletionPolicy: 'Retain', phase: 'Ready', retained: false },
  { component: 'gone-worker', type: 'worker', deletionPolicy: 'Delete', phase: 'Ready', retained: false },
  { component: 'long-gone', type: 'oss', deletionPolicy: 'Retain', phase: 'Retained', retained: true },
];

const serving = (): ComponentServing => ({
  adapter: { role: 'provider', kind: 'test', profile: 'environment default', available: true },
  why: 'test',
});

describe('planComponents', () => {
  const plan = planOperation({ kind: 'apply', application, resources: recorded, types: BUILTIN_TYPES });
  const components = planComponents(application, recorded, plan, serving);
  const actions = Object.fromEntries(components.map((c) => [c.name, c.action]));

  it('names what the apply does to each component of the spec, from the same plan the worker runs', () => {
    expect(actions).toMatchObject({
      same: 'unchanged',
      changed: 'update',
      kept: 'adopt',
      retyped: 'replace',
      fresh: 'create',
      web: 'deliver',
    });
    expect(components.find((c) => c.name === 'retyped')!.steps).toEqual(['destroy:retyped', 'provision:retyped']);
    expect(components.find((c) => c.name === 'same')!.steps).toEqual([]);
  });

  it('lists what is recorded but gone from the spec with its prune action, skipping what is already retained', () => {
    const removed = components.filter((c) => !c.inSpec);
    expect(removed.map((c) => [c.name, c.action, c.category])).toEqual([
      ['gone-bucket', 'retain', 'cloud'],
      ['gone-db', 'destroy', 'cloud'],
      ['gone-worker', 'remove', 'workload'],
    ]);
    expect(removed.find((c) => c.name === 'gone-bucket')!.deletionPolicy).toBe('Retain');
  });

  it('counts components per action', () => {
    expect(summarize(components)).toEqual({
      unchanged: 1,
      update: 1,
      adopt: 1,
      replace: 1,
      create: 1,
      deliver: 1,
      retain: 1,
      destroy: 1,
      remove: 1,
    });
  });
});
