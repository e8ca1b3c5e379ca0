import { describe, expect, it } from 'vitest';
import { planOperation, PlanError } from './operation-planner';
import { application, cloud, TEST_TYPES, workload } from './testing/application.fixture';

const db = cloud('db', 'rds', { properties: { engine: 'mysql' } });
const bucket = cloud('media', 'oss');
const api = workload('api', [{ env: 'DB_HOST', secret: 'db' }]);
const files = workload('files', [{ env: 'BUCKET_NAME', secret: 'shop-media-conn' }], { type: 'worker' });
const cron = workload('cron', [], { type: 'worker', dependsOn: ['api'] });
const shop = application([api, files, cron, db, bucket]);

describe('planOperation: rotate', () => {
  it('rotates, re-delivers only the workloads bound to the component, then revokes after all of them', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'rotate',
      application: shop,
      resources: [],
      options: { component: 'db' },
    });
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['rotate:db', []],
      ['deliver:api', ['rotate:db']],
      ['revoke:db', ['rotate:db', 'deliver:api']],
    ]);
    expect(plan.steps[0]).toMatchObject({ action: 'rotate', component: 'db', type: 'rds' });
    expect(plan.steps[2]).toMatchObject({ action: 'revoke', component: 'db', type: 'rds' });
  });

  it('follows a binding that names the connection secret rather than the component', () => {
    const plan = planOperation({
      types: TEST_TYPES,
      kind: 'rotate',
      application: shop,
      resources: [],
      options: { component: 'media' },
    });
    expect(plan.steps.map((s) => s.id)).toEqual(['rotate:media', 'deliver:files', 'revoke:media']);
  });

  it('refuses a workload or an unknown component', () => {
    expect(() =>
      planOperation({
        types: TEST_TYPES,
        kind: 'rotate',
        application: shop,
        resources: [],
        options: { component: 'api' },
      }),
    ).toThrow(PlanError);
    expect(() =>
      planOperation({ types: TEST_TYPES, kind: 'rotate', application: shop, resources: [], options: {} }),
    ).toThrow(PlanError);
  });
});
