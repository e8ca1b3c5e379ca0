import { describe, expect, it } from 'vitest';
import type { CloudComponentSpec } from '../model';
import type { PlannedStep, RecordedResource } from './lifecycle-step';
import { planOperation, remainingSteps } from './operation-planner';
import { componentPropertiesHash } from './properties-hash';
import { application, cloud, TEST_TYPES, workload } from './testing/application.fixture';

const vpc = cloud('net', 'vpc', { properties: { cidr: '10.0.0.0/16' } });
const db = cloud('db', 'rds', { properties: { engine: 'mysql', network: 'net' } });
const bucket = cloud('media', 'oss');
const api = workload('api', [
  { env: 'DB_HOST', secret: 'db' },
  { env: 'BUCKET_NAME', secret: 'shop-media-conn' },
]);
const cron = workload('cron', [], { type: 'worker', dependsOn: ['api'] });
const shop = application([api, cron, db, vpc, bucket]);

function ready(component: CloudComponentSpec, extra: Partial<RecordedResource> = {}): RecordedResource {
  return {
    component: component.name,
    type: component.type,
    deletionPolicy: component.deletionPolicy,
    phase: 'Ready',
    propertiesHash: componentPropertiesHash(component),
    retained: false,
    ...extra,
  };
}

const ids = (steps: PlannedStep[]) => steps.map((s) => s.id);
const deps = (steps: PlannedStep[]) => Object.fromEntries(steps.map((s) => [s.id, s.dependsOn]));
/** Asserts every step comes after the steps it depends on. */
function assertOrdered(steps: PlannedStep[]): void {
  const seen = new Set<string>();
  for (const step of steps) {
    for (const dependency of step.dependsOn) expect(seen, `${step.id} after ${dependency}`).toContain(dependency);
    seen.add(step.id);
  }
}

describe('planOperation: apply', () => {
  it('provisions cloud components in dependency order, then delivers each workload after the secrets it binds', () => {
    const plan = planOperation({ types: TEST_TYPES, kind: 'apply', application: shop, resources: [] });
    expect(ids(plan.steps)).toEqual([
      'provision:media',
      'provision:net',
      'provision:db',
      'deliver:api',
      'deliver:cron',
    ]);
    expect(deps(plan.steps)).toEqual({
      'provision:media': [],
      'provision:net': [],
      'provision:db': ['provision:net'],
      'deliver:api': ['provision:db', 'provision:media'],
      'deliver:cron': ['deliver:api'],
    });
    expect(plan.steps.find((s) => s.id === 'provision:db')).toMatchObject({
      action: 'provision',
      component: 'db',
      type: 'rds',
    });
    expect(plan.unchanged).toEqual([]);
  });

  it('leaves out unchanged Ready components, but re-provisions dependants of a changed one', () => {
    const resources = [ready(vpc), ready(db), ready(bucket)];
    const noop = planOperation({ types: TEST_TYPES, kind: 'apply', application: shop, resources });
    expect(ids(noop.steps)).toEqual(['deliver:api', 'deliver:cron']);
    expect(deps(noop.steps)['deliver:api']).toEqual([]);
    expect(noop.unchanged.sort()).toEqual(['db', 'media', 'net']);

    const widerNet = cloud('net', 'vpc', { properties: { cidr: '10.1.0.0/16' } });
    const changed = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: application([api, cron, db, widerNet, bucket]),
      resources,
    });
    expect(ids(changed.steps)).toEqual(['provision:net', 'provision:db', 'deliver:api', 'deliver:cron']);
    expect(changed.unchanged).toEqual(['media']);
  });

  it('re-provisions a component that is not Ready, was never applied successfully, or is forced', () => {
    const failed = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: shop,
      resources: [ready(vpc), ready(db, { phase: 'Failed' }), ready(bucket)],
    });
    expect(ids(failed.steps)).toContain('provision:db');
    expect(ids(failed.steps)).not.toContain('provision:net');
    const noHash = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: shop,
      resources: [ready(vpc), ready(db), ready(bucket, { propertiesHash: undefined })],
    });
    expect(ids(noHash.steps)).toContain('provision:media');
    const forced = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: shop,
      resources: [ready(vpc), ready(db), ready(bucket)],
      options: { force: true },
    });
    expect(ids(forced.steps).filter((id) => id.startsWith('provision:'))).toHaveLength(3);
  });

  it('adopts a retained resource of the same component instead of leaving it alone', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: shop,
      resources: [ready(vpc), ready(db, { phase: 'Retained', retained: true }), ready(bucket)],
    });
    expect(plan.steps.find((s) => s.id === 'provision:db')?.description).toBe('Adopt rds db');
  });

  it('replaces a component whose type changed: the recorded resource goes first, per its policy', () => {
    const asBucket = cloud('db', 'oss');
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: application([asBucket]),
      resources: [ready(db)],
    });
    expect(plan.steps.map((s) => [s.id, s.type, s.dependsOn])).toEqual([
      ['destroy:db', 'rds', []],
      ['provision:db', 'oss', ['destroy:db']],
    ]);
    const kept = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: application([asBucket]),
      resources: [ready(db, { deletionPolicy: 'Retain' })],
    });
    expect(ids(kept.steps)).toEqual(['retain:db', 'provision:db']);
  });

  it('prunes removed components after the kept ones converged, dependants first, per deletionPolicy', () => {
    const oldCache = cloud('cache', 'rds', { deletionPolicy: 'Retain' });
    const resources: RecordedResource[] = [
      ready(vpc),
      ready(db),
      ready(bucket),
      ready(oldCache, { dependsOn: ['net'] }),
      {
        component: 'old-worker',
        type: 'worker',
        deletionPolicy: 'Delete',
        phase: 'Ready',
        retained: false,
        dependsOn: ['media'],
      },
      { component: 'gone', type: 'oss', deletionPolicy: 'Delete', phase: 'Deleted', retained: false },
      { component: 'kept-before', type: 'oss', deletionPolicy: 'Retain', phase: 'Retained', retained: true },
    ];
    // The new spec drops the bucket, the cache, the network (db moves off it) and the old worker.
    const dbAlone = cloud('db', 'rds', { properties: { engine: 'mysql' } });
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: application([workload('api', [{ env: 'DB_HOST', secret: 'db' }]), dbAlone]),
      resources,
    });
    expect(ids(plan.steps)).toEqual([
      'provision:db',
      'deliver:api',
      'retain:cache',
      'remove-workload:old-worker',
      'destroy:media',
      'destroy:net',
    ]);
    assertOrdered(plan.steps);
    const converged = ['provision:db', 'deliver:api'];
    expect(deps(plan.steps)).toMatchObject({
      'remove-workload:old-worker': converged,
      'destroy:media': [...converged, 'remove-workload:old-worker'],
      'retain:cache': converged,
      'destroy:net': [...converged, 'retain:cache'],
    });
  });

  it('orphan retains what a prune would destroy', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: application([api, cron, db, vpc]),
      resources: [ready(vpc), ready(db), ready(bucket)],
      options: { orphan: true },
    });
    expect(ids(plan.steps)).toContain('retain:media');
    expect(ids(plan.steps)).not.toContain('destroy:media');
  });

  it('refuses an apply without an application or with a cycle', () => {
    expect(() => planOperation({ types: TEST_TYPES, kind: 'apply', resources: [] })).toThrow(
      /needs the desired application/,
    );
    const a = cloud('a', 'vpc', { dependsOn: ['b'] });
    const b = cloud('b', 'vpc', { dependsOn: ['a'] });
    expect(() =>
      planOperation({ types: TEST_TYPES, kind: 'apply', application: application([a, b]), resources: [] }),
    ).toThrow(/cycle/);
  });
});

describe('planOperation: delete', () => {
  const recorded: RecordedResource[] = [
    ready(vpc),
    ready(db, { dependsOn: ['net'] }),
    ready(bucket),
    {
      component: 'api',
      type: 'webservice',
      deletionPolicy: 'Delete',
      phase: 'Ready',
      retained: false,
      dependsOn: ['db', 'media'],
    },
  ];

  it('removes workloads, destroys cloud components dependants first, then secrets, then finalizes', () => {
    const plan = planOperation({ types: TEST_TYPES, kind: 'delete', resources: recorded });
    expect(ids(plan.steps)).toEqual([
      'remove-workloads',
      'destroy:db',
      'destroy:media',
      'destroy:net',
      'remove-secrets',
      'finalize',
    ]);
    expect(deps(plan.steps)).toEqual({
      'remove-workloads': [],
      'destroy:media': ['remove-workloads'],
      'destroy:db': ['remove-workloads'],
      'destroy:net': ['remove-workloads', 'destroy:db'],
      'remove-secrets': ['destroy:db', 'destroy:media', 'destroy:net'],
      finalize: ['remove-secrets'],
    });
  });

  it('takes teardown edges from the application when the records lack them', () => {
    const bare = recorded.map(({ dependsOn: _dependsOn, ...r }) => r);
    const plan = planOperation({ types: TEST_TYPES, kind: 'delete', application: shop, resources: bare });
    expect(deps(plan.steps)['destroy:net']).toEqual(['remove-workloads', 'destroy:db']);
  });

  it('retains Retain components, and every component with orphan', () => {
    const withRetain = recorded.map((r) => (r.component === 'db' ? { ...r, deletionPolicy: 'Retain' as const } : r));
    const plan = planOperation({ types: TEST_TYPES, kind: 'delete', resources: withRetain });
    expect(ids(plan.steps)).toEqual([
      'remove-workloads',
      'retain:db',
      'destroy:media',
      'destroy:net',
      'remove-secrets',
      'finalize',
    ]);
    expect(deps(plan.steps)['destroy:net']).toEqual(['remove-workloads', 'retain:db']);

    const orphaned = planOperation({
      types: TEST_TYPES,
      kind: 'delete',
      resources: recorded,
      options: { orphan: true },
    });
    expect(ids(orphaned.steps).filter((id) => id.startsWith('destroy:'))).toEqual([]);
    expect(
      ids(orphaned.steps)
        .filter((id) => id.startsWith('retain:'))
        .sort(),
    ).toEqual(['retain:db', 'retain:media', 'retain:net']);
  });

  it('skips what is already deleted or retained, and still removes workloads and secrets when nothing is recorded', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'delete',
      resources: [ready(vpc, { phase: 'Deleted' }), ready(bucket, { phase: 'Retained', retained: true })],
    });
    expect(ids(plan.steps)).toEqual(['remove-workloads', 'remove-secrets', 'finalize']);
    expect(deps(plan.steps)['remove-secrets']).toEqual(['remove-workloads']);
  });

  it('survives recorded references that form a cycle instead of refusing to delete', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'delete',
      resources: [ready(vpc, { dependsOn: ['db'] }), ready(db, { dependsOn: ['net'] })],
    });
    expect(
      ids(plan.steps)
        .filter((id) => id.startsWith('destroy:'))
        .sort(),
    ).toEqual(['destroy:db', 'destroy:net']);
    assertOrdered(plan.steps);
  });
});

describe('planOperation: refresh', () => {
  it('refreshes every managed cloud component independently', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'refresh',
      resources: [
        ready(vpc),
        ready(db),
        ready(bucket, { retained: true, phase: 'Retained' }),
        { component: 'api', type: 'webservice', deletionPolicy: 'Delete', phase: 'Ready', retained: false },
      ],
    });
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['refresh:db', []],
      ['refresh:net', []],
    ]);
  });
});

describe('resuming', () => {
  it('gives the same step ids for the same input, and leaves completed steps out of what remains', () => {
    const first = planOperation({ types: TEST_TYPES, kind: 'apply', application: shop, resources: [] });
    const again = planOperation({ types: TEST_TYPES, kind: 'apply', application: shop, resources: [] });
    expect(again).toEqual(first);

    const remaining = remainingSteps(first.steps, new Set(['provision:net', 'provision:media']));
    expect(ids(remaining)).toEqual(['provision:db', 'deliver:api', 'deliver:cron']);
    expect(deps(remaining)).toEqual({
      'provision:db': [],
      'deliver:api': ['provision:db'],
      'deliver:cron': ['deliver:api'],
    });
    expect(remainingSteps(first.steps, new Set(ids(first.steps)))).toEqual([]);
  });
});
