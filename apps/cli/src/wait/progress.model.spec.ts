import { describe, expect, it } from 'vitest';
import type { Application, ComponentStatus } from '../client/api.types';
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
      'apply shop  Provisioning  1m05s',
      '  ✓ db     rds  Ready        3s',
      '  ⠋ files  oss  Provisioning 1m05s',
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
