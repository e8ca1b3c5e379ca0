import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '@berth/migrations';
import { startWorkflow, type WorkflowState } from '@berth/core';
import { createTemporarySchema, TEST_POSTGRES_URL, warnSkippedWithoutPostgres } from '../testing/postgres-schema';
import { ApplicationRepository } from '../repositories/application.repository';
import { EnvironmentRepository } from '../repositories/environment.repository';
import { PersistenceError, PersistenceErrorCode } from '../errors/persistence.error';
import { createDataSource, databaseKind, pendingSchemaChanges, prepareSchema } from './data-source.factory';

warnSkippedWithoutPostgres('persistence');

interface Backend {
  name: string;
  open: () => Promise<{ dataSource: DataSource; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-persistence-'));
      return {
        dataSource: createDataSource({ dataDir: dir }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const { schema, drop } = await createTemporarySchema(TEST_POSTGRES_URL!);
      return { dataSource: createDataSource({ dataDir: '.', databaseUrl: TEST_POSTGRES_URL, schema }), cleanup: drop };
    },
  },
];

describe.each(backends)('persistence on $name', (backend) => {
  const skip = backend.name === 'postgres' && !TEST_POSTGRES_URL;
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (skip) return;
    ({ dataSource, cleanup } = await backend.open());
    await dataSource.initialize();
  });

  afterAll(async () => {
    if (skip) return;
    if (dataSource?.isInitialized) await dataSource.destroy();
    await cleanup?.();
  });

  it.skipIf(skip)('refuses to start with pending migrations unless told to run them', async () => {
    const error = await prepareSchema(dataSource, 'refuse-if-pending').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as PersistenceError).code).toBe(PersistenceErrorCode.MigrationsPending);
    expect((error as PersistenceError).message).toMatch(/npm run migrate.*BERTH_MIGRATE_ON_BOOT=true/);
  });

  it.skipIf(skip)('migrates an empty database to exactly the schema the entities describe', async () => {
    const ran = await prepareSchema(dataSource, 'run');
    expect(ran).toEqual(MIGRATIONS.map((M) => new M().name ?? M.name));
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    expect(await prepareSchema(dataSource, 'refuse-if-pending')).toEqual([]);
    expect(await prepareSchema(dataSource, 'run')).toEqual([]);
  });

  it.skipIf(skip)('stores environments, applications and revisions with optimistic concurrency', async () => {
    const environments = new EnvironmentRepository(dataSource);
    const applications = new ApplicationRepository(dataSource);
    const spec = {
      name: 'dev',
      provider: { kind: 'local', settings: { nested: { a: 1 } } },
      profiles: {},
      runtime: { kind: 'local', settings: {} },
    };
    expect(await environments.ensure(spec)).toBe(true);
    expect(await environments.ensure(spec)).toBe(false);
    expect((await environments.find('dev'))?.provider).toEqual(spec.provider);

    const input = {
      environmentName: 'dev',
      name: 'shop',
      document: { kind: 'Application', spec: { components: [] } },
      contentHash: 'a'.repeat(64),
      originalText: 'kind: Application',
      contentType: 'application/yaml',
    };
    const first = await applications.appendRevision(input);
    expect(first.application.generation).toBe(1);
    const stored = await applications.find('dev', 'shop');
    expect(stored?.currentRevisionId).toBe(first.revision.id);
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(stored!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const second = await applications.appendRevision({ ...input, contentHash: 'b'.repeat(64) }, { current: stored! });
    expect(second.application.generation).toBe(2);
    // A writer still holding generation 1 loses.
    const stale = await applications
      .appendRevision({ ...input, contentHash: 'c'.repeat(64) }, { current: stored! })
      .catch((e: unknown) => e);
    expect((stale as PersistenceError).code).toBe(PersistenceErrorCode.Stale);
    // A second create of the same name loses too.
    const duplicate = await applications.appendRevision(input).catch((e: unknown) => e);
    expect((duplicate as PersistenceError).code).toBe(PersistenceErrorCode.Conflict);

    const revisions = await applications.listRevisions(first.application.id);
    expect(revisions.map((r) => [r.generation, r.contentHash[0]])).toEqual([
      [2, 'b'],
      [1, 'a'],
    ]);
    expect(revisions[1].document).toEqual(input.document);

    // An application cannot point at an environment that does not exist (foreign keys are enforced).
    const orphan = await applications.appendRevision({ ...input, environmentName: 'nowhere' }).catch((e: unknown) => e);
    expect(orphan).toBeInstanceOf(Error);
    expect(await applications.find('nowhere', 'shop')).toBeNull();
  });

  it.skipIf(skip)('runs transactions started at once (ten deliveries written in parallel) each whole', async () => {
    const applications = new ApplicationRepository(dataSource);
    const written = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        applications.appendRevision(
          {
            environmentName: 'dev',
            name: `parallel-${i}`,
            document: { kind: 'Application' },
            contentHash: String(i).padEnd(64, 'p'),
            originalText: 'kind: Application',
            contentType: 'application/yaml',
          },
          {
            // Each transaction waits inside itself, so they overlap.
            inTransaction: () => new Promise((resolve) => setTimeout(resolve, 5 * (10 - i))),
          },
        ),
      ),
    );
    expect(written.filter((w) => w.status === 'rejected')).toEqual([]);
    for (let i = 0; i < 10; i++) expect((await applications.find('dev', `parallel-${i}`))?.generation).toBe(1);
    // A transaction inside a transaction (the same async flow) still runs.
    await dataSource.transaction(() => dataSource.transaction(async () => undefined));
  });

  it.skipIf(skip)('reads only the workflow runs that are due, and lets one claim hold a run at a time', async () => {
    const applications = new ApplicationRepository(dataSource);
    const now = Date.now();
    const run = (change: Partial<WorkflowState>): WorkflowState => ({
      ...startWorkflow({ mode: { steps: 'StepByStep', subSteps: 'DAG' }, steps: [] }, 'r1', new Date(now)),
      ...change,
    });
    const runs: Record<string, WorkflowState> = {
      executing: run({}),
      waking: run({ phase: 'suspending', wakeAt: new Date(now - 1000).toISOString() }),
      later: run({ phase: 'suspending', wakeAt: new Date(now + 3_600_000).toISOString() }),
      approval: run({ phase: 'suspending' }),
      done: run({ phase: 'succeeded' }),
    };
    const ids: Record<string, string> = {};
    for (const [name, state] of Object.entries(runs)) {
      const { application } = await applications.appendRevision(
        {
          environmentName: 'dev',
          name: `wf-${name}`,
          document: { kind: 'Application' },
          contentHash: name.padEnd(64, 'x'),
          originalText: 'kind: Application',
          contentType: 'application/yaml',
          workflow: { state, sealed: {} },
        },
        { now: new Date(now - 10) },
      );
      ids[name] = application.id;
    }
    const due = async (mine: string[] = []) =>
      (await applications.dueWorkflows(Date.now(), mine)).map((a) => a.name).filter((n) => n.startsWith('wf-'));
    expect((await due()).sort()).toEqual(['wf-executing', 'wf-waking']);

    // Two brokers claim the same run: one wins; its run is no longer anyone else's due run, but still its own.
    const [a, b] = await Promise.all([
      applications.claimWorkflow(ids.executing, 'broker-a/1', 60_000),
      applications.claimWorkflow(ids.executing, 'broker-b/1', 60_000),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const winner = (a ?? b)!.workflowLeaseOwner!;
    const loser = winner === 'broker-a/1' ? 'broker-b/1' : 'broker-a/1';
    expect(await due()).toEqual(['wf-waking']);
    expect((await due([winner])).sort()).toEqual(['wf-executing', 'wf-waking']);

    // Saves are fenced by the claim; the loser's are refused. The state decides when the run is next due.
    const stored = (await applications.find('dev', 'wf-executing'))!.workflow!;
    expect(await applications.saveWorkflow(ids.executing, stored, loser)).toBe(false);
    expect(await applications.renewWorkflowLease(ids.executing, loser, 60_000)).toBe(false);
    expect(await applications.renewWorkflowLease(ids.executing, winner, 60_000)).toBe(true);
    const suspended = { ...stored, state: { ...stored.state, phase: 'suspending' as const } };
    expect(await applications.saveWorkflow(ids.executing, suspended, winner)).toBe(true);
    await applications.releaseWorkflow(ids.executing, winner);
    expect(await due()).toEqual(['wf-waking']);

    // An action (here a resume) writes without a claim: the run is due again and its lease is cleared.
    await applications.saveWorkflow(ids.executing, stored);
    expect((await due()).sort()).toEqual(['wf-executing', 'wf-waking']);

    // A lease that expired (its broker died) lets another broker take the run over.
    expect(await applications.claimWorkflow(ids.waking, 'broker-a/2', 1, now)).not.toBeNull();
    expect(await applications.claimWorkflow(ids.waking, 'broker-b/2', 60_000, now + 1000)).not.toBeNull();
    expect(await applications.claimWorkflow(ids.waking, 'broker-a/3', 60_000)).toBeNull();
  });
});

describe('SQLite connection settings', () => {
  it('uses WAL, enforces foreign keys, waits on locks and syncs at checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-pragmas-'));
    const dataSource = createDataSource({ dataDir: dir, busyTimeoutMs: 7000 });
    await dataSource.initialize();
    try {
      const pragma = async (name: string) => Object.values((await dataSource.query(`PRAGMA ${name}`))[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(7000);
      expect(await pragma('synchronous')).toBe(1);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('databaseKind', () => {
  it('chooses SQLite without a URL, PostgreSQL for postgres URLs, and rejects anything else', () => {
    expect(databaseKind(undefined)).toBe('sqlite');
    expect(databaseKind('postgresql://u@h/db')).toBe('postgres');
    expect(() => databaseKind('mysql://root@h/db')).toThrow(/postgres:\/\//);
  });
});
