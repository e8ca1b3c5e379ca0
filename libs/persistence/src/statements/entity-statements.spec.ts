import { randomUUID } from 'node:crypto';
import type { DataSource, Logger } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSchema } from '../data-source/data-source.factory';
import { ApplicationEntity } from '../entities/application.entity';
import { ManagedResourceEntity } from '../entities/managed-resource.entity';
import { OperationEntity } from '../entities/operation.entity';
import { OperationEventEntity } from '../entities/operation-event.entity';
import { insertLocalEnvironment, TEST_DATABASES } from '../testing/test-databases';
import { EntityStatements } from './entity-statements';

const statementsSeen: string[] = [];
const recording: Logger = {
  logQuery: (query) => void statementsSeen.push(query),
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

describe.each(TEST_DATABASES)('cached entity statements on $name', ({ name, skip, open }) => {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (skip) return;
    ({ dataSource, cleanup } = await open());
    await dataSource.initialize();
    await prepareSchema(dataSource, 'run');
    await insertLocalEnvironment(dataSource);
    (dataSource as unknown as { logger: Logger }).logger = recording;
  });
  afterAll(async () => {
    if (skip) return;
    await dataSource.destroy();
    await cleanup();
  });

  const resource = (component: string): ManagedResourceEntity => ({
    id: randomUUID(),
    environmentName: 'dev',
    applicationName: 'shop',
    component,
    type: 'vpc',
    category: 'cloud',
    profileKind: null,
    profileName: null,
    externalIds: { vpcId: `vpc-${component}` },
    outputs: { VPC_CIDR: '10.0.4.0/22', VPC_ID: `vpc-${component}` },
    properties: { cidr: '10.0.4.0/22', vswitches: [{ zone: 'a', cidr: null }], count: 2 },
    sealedInputs: null,
    phase: 'Ready',
    deletionPolicy: 'Retain',
    retained: true,
    propertiesHash: null,
    dependsOn: ['a', 'b'],
    stackName: null,
    secretName: `shop-${component}-conn`,
    sharedOwner: null,
    conditions: [],
    lastError: null,
    // Whole milliseconds: what both databases keep.
    createdAt: new Date('2026-12-01T10:11:12.345Z'),
    updatedAt: new Date('2026-12-01T10:11:13.000Z'),
  });

  /** A Running operation leased to worker-1, of an application of its own (the operation's foreign key). */
  async function runningOperation(applicationName: string, leaseExpiresAt: number): Promise<string> {
    const application = randomUUID();
    await dataSource.getRepository(ApplicationEntity).insert({
      id: application,
      environmentName: 'dev',
      name: `${applicationName}-${application.slice(0, 8)}`,
      generation: 1,
      observedGeneration: 0,
      currentRevisionId: null,
      phase: 'Pending',
      conditions: [],
      deletionRequestedAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    } as never);
    const id = randomUUID();
    await new EntityStatements(dataSource, OperationEntity).insert({
      id,
      kind: 'apply',
      applicationId: application,
      environmentName: 'dev',
      applicationName,
      generation: 1,
      revisionId: null,
      options: {},
      state: 'Running',
      steps: null,
      attempts: 1,
      leaseOwner: 'worker-1',
      leaseExpiresAt,
      error: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      updatedAt: new Date(),
    });
    return id;
  }

  it.skipIf(skip)('writes rows that TypeORM reads back alike, and reads rows TypeORM wrote alike', async () => {
    const statements = new EntityStatements(dataSource, ManagedResourceEntity);
    const repository = dataSource.getRepository(ManagedResourceEntity);
    const ours = resource('net');
    await statements.insert(ours);
    const readByTypeorm = await repository.findOneByOrFail({ id: ours.id });
    expect({ ...readByTypeorm }).toEqual(ours);

    const theirs = resource('db');
    await repository.insert(theirs as never);
    const readByUs = await statements.findOne({ environmentName: 'dev', applicationName: 'shop', component: 'db' });
    expect(readByUs).toEqual(theirs);
    // JSON, booleans and dates come back as values, not as their stored text.
    expect(readByUs?.retained).toBe(true);
    expect(readByUs?.createdAt).toBeInstanceOf(Date);
    expect(readByUs?.properties).toEqual({ cidr: '10.0.4.0/22', vswitches: [{ zone: 'a', cidr: null }], count: 2 });

    const listed = await statements.find(
      { environmentName: 'dev', applicationName: 'shop' },
      { order: [['component', 'DESC']] },
    );
    expect(listed.map((row) => row.component)).toEqual(['net', 'db']);
    expect(await statements.findOne({ environmentName: 'dev', applicationName: 'other', component: 'db' })).toBeNull();
  });

  it.skipIf(skip)('updates only matching rows and says how many changed', async () => {
    const statements = new EntityStatements(dataSource, OperationEntity);
    const id = await runningOperation('shop', 1_796_137_623_577);
    // A lease that is not ours changes nothing.
    expect(await statements.update({ id, leaseOwner: 'worker-2' }, { leaseExpiresAt: 1 })).toBe(0);
    expect(await statements.update({ id, leaseOwner: 'worker-1' }, { leaseExpiresAt: 2_000_000_000_000 })).toBe(1);
    const row = await statements.findOne({ id });
    // The epoch-milliseconds transformer applies both ways (PostgreSQL returns bigint as text).
    expect(row?.leaseExpiresAt).toBe(2_000_000_000_000);
    expect(row?.startedAt).toBeNull();
    // A null condition is IS NULL, not "= NULL" (which matches nothing).
    expect((await statements.find({ id, revisionId: null })).map((r) => r.id)).toEqual([id]);
  });

  it.skipIf(skip)('lets the database generate a generated column, and builds each statement once', async () => {
    const events = new EntityStatements(dataSource, OperationEventEntity);
    const operationId = randomUUID();
    statementsSeen.length = 0;
    for (const message of ['one', 'two', 'three'])
      await events.insert({
        operationId,
        time: new Date(),
        level: 'info',
        step: null,
        component: null,
        message,
        fields: null,
      });
    const rows = await events.find({ operationId }, { order: [['seq', 'ASC']] });
    expect(rows.map((r) => r.message)).toEqual(['one', 'two', 'three']);
    expect(rows[1].seq).toBeGreaterThan(rows[0].seq);
    // Three inserts, one SQL text: the driver prepares it once.
    const inserts = statementsSeen.filter((sql) => sql.startsWith('INSERT'));
    expect(inserts).toHaveLength(3);
    expect(new Set(inserts).size).toBe(1);
  });

  it.skipIf(skip || name !== 'postgres')(
    'on PostgreSQL, sends its statements as named prepared statements and hand-written SQL by text',
    async () => {
      const statements = new EntityStatements(dataSource, ManagedResourceEntity);
      const seen = await dataSource.transaction(async (manager) => {
        // One connection (the transaction's): what the server holds prepared on it is what this connection sent.
        await statements.findOne({ environmentName: 'dev', applicationName: 'prepared', component: 'x' }, {}, manager);
        await statements.findOne({ environmentName: 'dev', applicationName: 'prepared', component: 'y' }, {}, manager);
        await statements.query('SELECT count(*) AS n FROM managed_resources WHERE component = $1', ['x'], manager);
        return (await manager.query('SELECT name, statement FROM pg_prepared_statements')) as Array<{
          name: string;
          statement: string;
        }>;
      });
      // Both reads are one statement, prepared once (other tests may have left other statements on this connection).
      const ours = seen.filter((row) =>
        /FROM "managed_resources" WHERE .*"component" = \$3 LIMIT 1$/.test(row.statement),
      );
      expect(ours).toHaveLength(1);
      expect(ours[0].name).toMatch(/^berth_/);
      expect(seen.some((row) => row.statement.includes('count(*)'))).toBe(false);
    },
  );

  it.skipIf(skip)(
    'an update that goes with a lease-fenced write lands with it, and not at all when the lease is not held',
    async () => {
      const operations = new EntityStatements(dataSource, OperationEntity);
      const events = new EntityStatements(dataSource, OperationEventEntity);
      const resources = new EntityStatements(dataSource, ManagedResourceEntity);
      const id = await runningOperation('fenced', 2_000_000_000_000);
      const row = { ...resource('fenced-net'), applicationName: 'fenced', phase: 'Provisioning' as const };
      await resources.insert(row);
      const key = { environmentName: 'dev', applicationName: 'fenced', component: 'fenced-net' };
      const event = (message: string) => ({
        operationId: id,
        time: new Date(),
        level: 'info' as const,
        step: null,
        component: null,
        message,
        fields: null,
      });
      const write = (owner: string, phase: 'Ready' | 'Failed') =>
        operations.updateThenInsert(
          { id, leaseOwner: owner, state: 'Running' },
          { error: `by ${owner}` },
          events,
          [event(`from ${owner}`)],
          undefined,
          [resources.updating(key, { phase, lastError: `by ${owner}` })],
        );

      expect(await write('worker-2', 'Failed')).toBe(0);
      expect((await resources.findOne(key))?.phase).toBe('Provisioning');
      expect(await events.find({ operationId: id })).toEqual([]);

      statementsSeen.length = 0;
      expect(await write('worker-1', 'Ready')).toBe(1);
      if (name === 'postgres') expect(statementsSeen).toHaveLength(1);
      expect(await resources.findOne(key)).toMatchObject({ phase: 'Ready', lastError: 'by worker-1' });
      expect((await events.find({ operationId: id })).map((e) => e.message)).toEqual(['from worker-1']);
      expect((await operations.findOne({ id }))?.error).toBe('by worker-1');

      // PostgreSQL would apply only one of two updates of a row in one statement: refused, not half done.
      await expect(
        operations.updateThenInsert({ id, leaseOwner: 'worker-1' }, { error: null }, events, [], undefined, [
          resources.updating(key, { phase: 'Failed' }),
          resources.updating(key, { lastError: 'twice' }),
        ]),
      ).rejects.toThrow(/the same rows twice/);
      expect(await resources.findOne(key)).toMatchObject({ phase: 'Ready', lastError: 'by worker-1' });
    },
  );
});
