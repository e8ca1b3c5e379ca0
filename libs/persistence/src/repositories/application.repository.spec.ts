import { randomUUID } from 'node:crypto';
import type { Condition } from '@berth/core';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSchema } from '../data-source/data-source.factory';
import { ApplicationEntity } from '../entities/application.entity';
import { insertLocalEnvironment, TEST_DATABASES } from '../testing/test-databases';
import { ApplicationRepository } from './application.repository';

const at = '2026-01-01T00:00:00.000Z';
const cond = (type: string, status: Condition['status'], reason: string): Condition => ({
  type,
  status,
  reason,
  message: `${type} ${reason}`,
  lastTransitionTime: at,
});

/** The status an operation records (PostgreSQL: one UPDATE merging in SQL; SQLite: read, then write) reads the same. */
describe.each(TEST_DATABASES)('an operation recording status on $name', ({ skip, open }) => {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;
  let applications: ApplicationRepository;

  beforeAll(async () => {
    if (skip) return;
    ({ dataSource, cleanup } = await open());
    await dataSource.initialize();
    await prepareSchema(dataSource, 'run');
    await insertLocalEnvironment(dataSource);
    applications = new ApplicationRepository(dataSource);
  }, 120_000);
  afterAll(async () => {
    if (skip) return;
    await dataSource.destroy();
    await cleanup();
  });

  async function stored(fields: Partial<ApplicationEntity>): Promise<ApplicationEntity> {
    const row = {
      id: randomUUID(),
      environmentName: 'dev',
      name: `app-${randomUUID().slice(0, 8)}`,
      generation: 1,
      observedGeneration: 0,
      currentRevisionId: null,
      phase: 'Applying',
      conditions: [cond('Drifted', 'False', 'InSync'), cond('Ready', 'False', 'Applying'), cond('Custom', 'True', 'X')],
      deletionRequestedAt: null,
      createdAt: new Date(at),
      updatedAt: new Date(at),
      ...fields,
    } as ApplicationEntity;
    await dataSource.getRepository(ApplicationEntity).insert(row as never);
    return row;
  }

  it.skipIf(skip)('replaces conditions of the same type in place of none, keeps the others in order', async () => {
    const row = await stored({});
    await applications.recordStatus('dev', row.name, row.id, {
      phase: 'Ready',
      conditions: [cond('Ready', 'True', 'Ready')],
      keepPhase: { newerThanGeneration: 1, deletionRequested: true },
      observedGeneration: 1,
    });
    const after = await applications.find('dev', row.name);
    expect(after?.phase).toBe('Ready');
    expect(after?.observedGeneration).toBe(1);
    expect(after?.conditions).toEqual([
      cond('Drifted', 'False', 'InSync'),
      cond('Custom', 'True', 'X'),
      cond('Ready', 'True', 'Ready'),
    ]);
    expect(after!.updatedAt.getTime()).toBeGreaterThan(new Date(at).getTime());
  });

  it.skipIf(skip)(
    'keeps the phase for a newer generation or a requested delete, and never lowers observedGeneration',
    async () => {
      const newer = await stored({ generation: 3, observedGeneration: 2, phase: 'Pending' });
      await applications.recordStatus('dev', newer.name, newer.id, {
        phase: 'Ready',
        conditions: [cond('Ready', 'True', 'Ready')],
        keepPhase: { newerThanGeneration: 1 },
        observedGeneration: 1,
      });
      const afterNewer = await applications.find('dev', newer.name);
      expect([afterNewer?.phase, afterNewer?.observedGeneration]).toEqual(['Pending', 2]);
      expect(afterNewer?.conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
        'Drifted=False',
        'Custom=True',
        'Ready=True',
      ]);

      const deleting = await stored({ phase: 'Deleting', deletionRequestedAt: new Date(at) });
      await applications.recordStatus('dev', deleting.name, deleting.id, {
        phase: 'Ready',
        conditions: [cond('Ready', 'True', 'Ready')],
        keepPhase: { deletionRequested: true },
      });
      expect((await applications.find('dev', deleting.name))?.phase).toBe('Deleting');
    },
  );

  it.skipIf(skip)(
    'leaves a replaced application alone, and merges into empty conditions without touching updatedAt',
    async () => {
      const row = await stored({ conditions: [] });
      await applications.recordStatus('dev', row.name, randomUUID(), {
        phase: 'Failed',
        conditions: [cond('Ready', 'False', 'X')],
      });
      const untouched = await applications.find('dev', row.name);
      expect([untouched?.phase, untouched?.conditions]).toEqual(['Applying', []]);

      await applications.recordStatus('dev', row.name, null, {
        conditions: [cond('Drifted', 'True', 'Drifted')],
        touch: false,
      });
      const merged = await applications.find('dev', row.name);
      expect(merged?.conditions).toEqual([cond('Drifted', 'True', 'Drifted')]);
      expect(merged?.phase).toBe('Applying');
      expect(merged?.updatedAt.getTime()).toBe(new Date(at).getTime());
    },
  );
});
