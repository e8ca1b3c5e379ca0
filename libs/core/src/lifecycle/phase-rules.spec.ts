import { describe, expect, it } from 'vitest';
import { planOperation } from './operation-planner';
import {
  applicationPhaseAfter,
  applicationPhaseDuring,
  componentPhaseOnFailure,
  componentPhaseOnStart,
  componentPhaseOnSuccess,
  operationStateAfter,
} from './phase-rules';
import { application, cloud, TEST_TYPES, workload } from './testing/application.fixture';

describe('phase rules', () => {
  const resources = [
    {
      component: 'db',
      type: 'rds' as const,
      deletionPolicy: 'Delete' as const,
      phase: 'Ready' as const,
      retained: false,
    },
    {
      component: 'bucket',
      type: 'oss' as const,
      deletionPolicy: 'Retain' as const,
      phase: 'Ready' as const,
      retained: false,
    },
  ];

  it('moves components through Provisioning → Ready on apply, Deleting → Deleted or Retained on delete', () => {
    const apply = planOperation({
      types: TEST_TYPES,
      kind: 'apply',
      application: application([cloud('db', 'rds'), workload('api', [{ env: 'DB_HOST', secret: 'db' }])]),
      resources: [],
    });
    expect(
      apply.steps.map((s) => [s.id, componentPhaseOnStart(s), componentPhaseOnSuccess(s), componentPhaseOnFailure(s)]),
    ).toEqual([
      ['provision:db', 'Provisioning', 'Ready', 'Failed'],
      ['deliver:api', 'Provisioning', 'Ready', 'Failed'],
    ]);
    const del = planOperation({ types: TEST_TYPES, kind: 'delete', resources });
    expect(del.steps.map((s) => [s.id, componentPhaseOnStart(s), componentPhaseOnSuccess(s)])).toEqual([
      ['remove-workloads', undefined, undefined],
      ['retain:bucket', undefined, 'Retained'],
      ['destroy:db', 'Deleting', 'Deleted'],
      ['remove-secrets', undefined, undefined],
      ['finalize', undefined, undefined],
    ]);
    const refresh = planOperation({ types: TEST_TYPES, kind: 'refresh', resources });
    expect(
      refresh.steps.map((s) => [componentPhaseOnStart(s), componentPhaseOnSuccess(s), componentPhaseOnFailure(s)]),
    ).toEqual([
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it('gives the application Ready/Failed after an apply, Deleted/DeleteFailed after a delete, nothing while interrupted', () => {
    expect([
      applicationPhaseDuring('apply'),
      applicationPhaseDuring('delete'),
      applicationPhaseDuring('refresh'),
    ]).toEqual(['Provisioning', 'Deleting', undefined]);
    expect(applicationPhaseAfter('apply', 'Succeeded')).toBe('Ready');
    expect(applicationPhaseAfter('apply', 'Failed')).toBe('Failed');
    expect(applicationPhaseAfter('delete', 'Succeeded')).toBe('Deleted');
    expect(applicationPhaseAfter('delete', 'Failed')).toBe('DeleteFailed');
    expect(applicationPhaseAfter('delete', 'Interrupted')).toBeUndefined();
    expect(applicationPhaseAfter('refresh', 'Failed')).toBeUndefined();
    expect([
      operationStateAfter('Succeeded'),
      operationStateAfter('Failed'),
      operationStateAfter('Interrupted'),
    ]).toEqual(['Succeeded', 'Failed', 'Running']);
  });
});
