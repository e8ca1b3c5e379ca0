import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApplicationEntity,
  createDataSource,
  EnvironmentRepository,
  prepareSchema,
  SealedValueRepository,
} from '@berth/persistence';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionAad } from './revision-secrets';
import { SecretKeyring } from './secret-keyring';
import { resealAll } from './secret-resealer';

describe('npm run reseal on a workflow run’s sealed delivery inputs (SQLite)', () => {
  let dir: string;
  let dataSource: DataSource;
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const inputs = (env: string) => ({ db: { password: `pw-of-${env}` } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-reseal-workflow-'));
    dataSource = createDataSource({ dataDir: dir });
    await dataSource.initialize();
    await prepareSchema(dataSource, 'run');
    await new EnvironmentRepository(dataSource).ensure({
      name: 'home',
      provider: { kind: 'local' },
      profiles: {},
      runtime: { kind: 'local' },
    } as never);
    const a = new SecretKeyring([keyA]);
    const sealed = Object.fromEntries(
      ['dev', 'prod'].map((env) => [`deploy-${env}/${env}`, a.sealToText(inputs(env), revisionAad(env, 'shop'))]),
    );
    const now = new Date();
    await dataSource.getRepository(ApplicationEntity).insert({
      id: '00000000-0000-4000-8000-000000000001',
      environmentName: 'home',
      name: 'shop',
      generation: 1,
      observedGeneration: 0,
      currentRevisionId: null,
      phase: 'Pending',
      conditions: [],
      deliveredFrom: null,
      workflow: { state: { steps: { 'deploy-prod': 'Suspended' } } as never, sealed },
      deletionRequestedAt: null,
      createdAt: now,
      updatedAt: now,
    } as never);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-encrypts every step’s inputs with the first key, keeps the run’s state, and a rerun finds them current', async () => {
    const report = await resealAll(new SealedValueRepository(dataSource), new SecretKeyring([keyB, keyA]), {
      batchSize: 1,
    });
    expect(report['workflow runs']).toEqual({ resealed: 1, current: 0 });

    const row = await dataSource.getRepository(ApplicationEntity).findOneByOrFail({ name: 'shop' });
    expect(row.workflow?.state).toEqual({ steps: { 'deploy-prod': 'Suspended' } });
    const b = new SecretKeyring([keyB]);
    for (const env of ['dev', 'prod'])
      expect(b.openText(row.workflow!.sealed[`deploy-${env}/${env}`]!, revisionAad(env, 'shop'))).toEqual(inputs(env));

    const again = await resealAll(new SealedValueRepository(dataSource), new SecretKeyring([keyB, keyA]));
    expect(again['workflow runs']).toEqual({ resealed: 0, current: 1 });
  });
});
