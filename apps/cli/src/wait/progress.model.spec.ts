import { describe, expect, it } from 'vitest';
import type { Application, ComponentStatus, Operation, OperationStep, WorkflowStepStatus } from '../client/api.types';
import { palette } from '../output/colors';
import { formatChangeLine, formatProgressBlock } from '../output/progress.renderer';
import { ProgressModel } from './progress.model';

function app(phase: string, components: Partial<ComponentStatus>[]): Application {
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name: 'shop', generation: 1 },
    spec: { components: [] },
    status: { phase, components: components.map((c) => ({ name: 'x', type: 'rds', phase: 'Pending', ...c })) },
  };
}

function deletion(steps: [string, string][]): Operation {
  return {
    id: 'op',
    kind: 'delete',
    environment: 'local',
    application: 'shop',
    state: 'Running',
    steps: steps.map(([id, state]): OperationStep => {
      const [action, component] = id.split(':');
      return { id, action: action!, component, state };
    }),
  };
}

/** The shop example: a workload behind a load balancer, a database, all in one network. Spec order. */
const shop = (phases: Record<string, string>): Partial<ComponentStatus>[] =>
  [
    { name: 'net', type: 'vpc', kind: 'cloud' },
    { name: 'orders-db', type: 'rds', kind: 'cloud' },
    { name: 'lb', type: 'slb', kind: 'cloud' },
    { name: 'web', type: 'webservice', kind: 'workload' },
  ]
    .filter((c) => phases[c.name] !== undefined)
    .map((c) => ({ ...c, phase: phases[c.name] }));

describe('ProgressModel', () => {
  it('reports each phase change once and freezes a component’s time when it is done', () => {
    const model = new ProgressModel('apply', 1000);
    const first = model.update(
      {
        app: app('Provisioning', [
          { name: 'db', phase: 'Provisioning' },
          { name: 'web', type: 'webservice', phase: 'Pending' },
        ]),
      },
      2000,
    );
    expect(first.map((c) => `${c.component}:${c.phase}`)).toEqual(['db:Provisioning', 'web:Pending', ':Provisioning']);
    expect(
      model.update(
        {
          app: app('Provisioning', [
            { name: 'db', phase: 'Provisioning' },
            { name: 'web', type: 'webservice', phase: 'Pending' },
          ]),
        },
        3000,
      ),
    ).toEqual([]);
    const done = model.update(
      {
        app: app('Ready', [
          { name: 'db', phase: 'Ready' },
          { name: 'web', type: 'webservice', phase: 'Ready' },
        ]),
      },
      13_000,
    );
    expect(done.map((c) => formatChangeLine(c, 'shop'))).toEqual([
      '[12s] db: Ready',
      '[12s] web: Ready',
      '[12s] shop: Ready',
    ]);
    const db = model.list()[0];
    expect(model.elapsed(db, 99_000)).toBe(12_000);
  });

  it('marks everything deleted when a deleted application is gone', () => {
    const model = new ProgressModel('delete', 0);
    model.update({ app: app('Deleting', [{ name: 'db', phase: 'Deleting' }]) }, 500);
    const changes = model.update({ app: null }, 4000);
    expect(changes.map((c) => formatChangeLine(c, 'shop'))).toEqual(['[4s] db: Deleted', '[4s] shop: Deleted']);
  });

  it('shows a delete in the order it happens: the workloads Deleted first, then the cloud components', () => {
    const model = new ProgressModel('delete', 0);
    const steps = (removeWorkloads: string, lb: string, db: string, net: string) =>
      deletion([
        ['remove-workloads', removeWorkloads],
        ['destroy:lb', lb],
        ['destroy:orders-db', db],
        ['destroy:net', net],
        ['finalize', 'Pending'],
      ]);
    // The server no longer records a removed workload: its status says Pending, the steps say it is gone.
    const first = model.update(
      {
        app: app('Deleting', shop({ net: 'Ready', 'orders-db': 'Ready', lb: 'Deleting', web: 'Pending' })),
        operation: steps('Succeeded', 'Running', 'Pending', 'Pending'),
      },
      1000,
    );
    expect(first.map((c) => formatChangeLine(c, 'shop'))).toEqual([
      '[1s] web: Deleted',
      '[1s] lb: Deleting',
      '[1s] orders-db: Ready',
      '[1s] net: Ready',
      '[1s] shop: Deleting',
    ]);
    // Between two polls the rest is over, and the application is gone.
    const last = model.update(
      { app: null, operation: steps('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded') },
      3000,
    );
    expect(last.map((c) => formatChangeLine(c, 'shop'))).toEqual([
      '[3s] lb: Deleted',
      '[3s] orders-db: Deleted',
      '[3s] net: Deleted',
      '[3s] shop: Deleted',
    ]);
    expect(model.list().map((c) => `${c.name} ${c.phase}`)).toEqual([
      'web Deleted',
      'lb Deleted',
      'orders-db Deleted',
      'net Deleted',
    ]);
  });

  it('still shows each component go when the deletion is over by the first poll', () => {
    const model = new ProgressModel('delete', 0);
    model.seed(app('Ready', shop({ 'orders-db': 'Ready', web: 'Failed' })));
    const changes = model.update(
      {
        app: null,
        operation: deletion([
          ['remove-workloads', 'Succeeded'],
          ['destroy:orders-db', 'Succeeded'],
        ]),
      },
      700,
    );
    expect(changes.map((c) => formatChangeLine(c, 'shop'))).toEqual([
      '[0s] web: Deleted',
      '[0s] orders-db: Deleted',
      '[0s] shop: Deleted',
    ]);
  });

  it('says Deleting while the workloads are being removed, and Retained for a kept component', () => {
    const model = new ProgressModel('delete', 0);
    model.update(
      {
        app: app('Deleting', shop({ 'orders-db': 'Ready', web: 'Ready' })),
        operation: deletion([
          ['remove-workloads', 'Running'],
          ['retain:orders-db', 'Pending'],
        ]),
      },
      500,
    );
    expect(model.list().map((c) => `${c.name} ${c.phase}`)).toEqual(['web Deleting', 'orders-db Ready']);
    const changes = model.update(
      {
        app: null,
        operation: deletion([
          ['remove-workloads', 'Succeeded'],
          ['retain:orders-db', 'Succeeded'],
        ]),
      },
      2000,
    );
    expect(changes.map((c) => formatChangeLine(c, 'shop'))).toEqual([
      '[2s] web: Deleted',
      '[2s] orders-db: Retained',
      '[2s] shop: Deleted',
    ]);
  });

  it('draws a block with a spinner for moving components, ✓ for done ones and the last error under a failed one', () => {
    const model = new ProgressModel('apply', 0);
    model.update(
      {
        app: app('Provisioning', [
          { name: 'db', phase: 'Ready' },
          { name: 'files', type: 'oss', phase: 'Provisioning' },
          { name: 'cache', phase: 'Failed', lastError: 'quota exceeded' },
        ]),
      },
      3000,
    );
    const block = formatProgressBlock(model, 'apply shop', 65_000, palette(false), 0);
    expect(block.split('\n')).toEqual([
      'apply shop  Provisioning  1m 5s',
      '  ✓ db     rds  Ready        3s',
      '  ⠋ files  oss  Provisioning 1m 5s',
      '  ✗ cache  rds  Failed       3s',
      '      quota exceeded',
    ]);
  });

  it('shows the newest event message next to a component that is still moving', () => {
    const model = new ProgressModel('apply', 0);
    const event = (seq: number, component: string, message: string) => ({
      seq,
      operationId: 'op',
      time: '2026-01-01T00:00:00Z',
      level: 'info',
      component,
      message,
    });
    model.update(
      {
        app: app('Provisioning', [{ name: 'db', phase: 'Provisioning' }]),
        events: [event(1, 'db', 'creating instance'), event(2, 'db', 'waiting for connections')],
      },
      1000,
    );
    expect(formatProgressBlock(model, 'apply shop', 2000, palette(false), 0).split('\n')[1]).toBe(
      '  ⠋ db  rds  Provisioning 2s  waiting for connections',
    );
    model.update({ app: app('Ready', [{ name: 'db', phase: 'Ready' }]) }, 3000);
    expect(formatProgressBlock(model, 'apply shop', 4000, palette(false), 0).split('\n')[1]).toBe(
      '  ✓ db  rds  Ready        3s',
    );
  });
});

describe('ProgressModel with a workflow', () => {
  const withWorkflow = (phase: string, steps: WorkflowStepStatus[]): Application => ({
    ...app('Ready', []),
    status: { phase: 'Ready', components: [], workflow: { phase, revision: 'r1', steps } },
  });
  const deploy = (name: string, phase: string, targets: Record<string, string>, extra = {}): WorkflowStepStatus => ({
    name,
    type: 'deploy',
    phase,
    attempts: 1,
    targets: Object.fromEntries(Object.entries(targets).map(([env, p]) => [env, { phase: p }])),
    ...extra,
  });

  it('reports each step when its phase or environments move, with the resume hint and a failed step’s message', () => {
    const model = new ProgressModel('apply', 0, 'berth resume shop --env local');
    const lines = (snapshot: Application, now: number) =>
      model.update({ app: snapshot }, now).map((change) => formatChangeLine(change, 'shop'));
    expect(
      lines(
        withWorkflow('executing', [
          deploy('dev', 'running', { dev: 'running' }),
          deploy('prod', 'pending', { prod: 'pending' }),
        ]),
        1000,
      ),
    ).toEqual(['[1s] shop: Ready', '[1s] step dev: running [dev: running]', '[1s] workflow: executing']);
    const waiting = withWorkflow('suspending', [
      deploy('dev', 'succeeded', { dev: 'succeeded' }),
      deploy('prod', 'suspending', { prod: 'pending' }, { reason: 'WaitingForApproval' }),
    ]);
    expect(lines(waiting, 2000)).toEqual([
      '[2s] step dev: succeeded [dev: succeeded]',
      '[2s] step prod: suspending (WaitingForApproval) [prod: pending] — waiting for approval: berth resume shop --env local',
      '[2s] workflow: suspending',
    ]);
    expect(lines(waiting, 3000)).toEqual([]); // nothing moved
    const failed = withWorkflow('failed', [
      deploy('dev', 'succeeded', { dev: 'succeeded' }),
      deploy('prod', 'failed', { prod: 'failed' }, { reason: 'Failed', message: 'prod: no quota' }),
    ]);
    expect(lines(failed, 4000)).toEqual([
      '[4s] step prod: failed (Failed) [prod: failed] — prod: no quota',
      '[4s] workflow: failed',
    ]);
    const block = formatProgressBlock(model, 'apply shop', 4000, palette(false), 0);
    expect(block).toContain('  workflow  failed');
    expect(block).toMatch(/✗ prod {2}deploy {2}failed \(Failed\) {2}\[prod: failed\]/);
    expect(block).toContain('      prod: no quota');
  });
});
