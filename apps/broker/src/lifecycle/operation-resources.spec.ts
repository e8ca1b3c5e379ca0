import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, ManagedResourceRepository, prepareSchema } from '@berth/persistence';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertLocalEnvironment } from '@berth/persistence/testing';
import { OperationResources } from './operation-resources';

const key = (component: string, applicationName = 'shop') => ({ environmentName: 'dev', applicationName, component });

describe("an operation's view of its application's resources", () => {
  let dir: string;
  let dataSource: DataSource;
  let store: ManagedResourceRepository;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-view-'));
    dataSource = createDataSource({ dataDir: dir });
    await dataSource.initialize();
    await prepareSchema(dataSource, 'run');
    await insertLocalEnvironment(dataSource);
    store = new ManagedResourceRepository(dataSource);
  }, 120_000);
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true });
  });

  it('reads what its own writes stored, as the database holds it', async () => {
    const view = new OperationResources(store, 'dev', 'shop', await store.list('dev', 'shop'));
    await view.set(key('net'), { type: 'vpc', category: 'cloud', phase: 'Provisioning' });
    const row = await view.upsert(key('net'), { type: 'vpc', category: 'cloud', profileKind: 'local' });
    await view.update(key('net'), { outputs: { VPC_ID: 'vpc-1' }, lastError: null });
    await view.insertSecret({
      resourceId: row.id,
      version: 1,
      name: 'net-conn',
      keyId: 'k',
      iv: 'i',
      tag: 't',
      ciphertext: 'c',
      keys: [],
    });
    await view.set(key('web'), { type: 'webservice', category: 'workload', phase: 'Provisioning' });

    const fromView = await view.list('dev', 'shop');
    const fromDb = await store.list('dev', 'shop');
    const comparable = (rows: typeof fromDb) => rows.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);
    expect(comparable(fromView)).toEqual(comparable(fromDb));
    expect(fromView.map((r) => [r.component, r.phase, r.outputs])).toEqual([
      ['net', 'Provisioning', { VPC_ID: 'vpc-1' }],
      ['web', 'Provisioning', {}],
    ]);
    expect((await view.latestSecret(row.id))?.version).toBe(1);
    await view.remove(row);
    expect(await view.find(key('net'))).toBeNull();
    expect(await store.find(key('net'))).toBeNull();
  });

  it("reads another application's rows from the database every time", async () => {
    const view = new OperationResources(store, 'dev', 'shop', []);
    expect(await view.find(key('db', 'other'))).toBeNull();
    await store.upsert(key('db', 'other'), { type: 'rds', category: 'cloud' });
    expect((await view.find(key('db', 'other')))?.type).toBe('rds');
  });

  it('hands out copies: a caller changing a row it read does not change what the view holds', async () => {
    const view = new OperationResources(store, 'dev', 'shop');
    await view.upsert(key('cache'), { type: 'redis', category: 'cloud', outputs: { HOST: 'a' } });
    const read = await view.find(key('cache'));
    read!.outputs.HOST = 'changed';
    expect((await view.find(key('cache')))?.outputs).toEqual({ HOST: 'a' });
  });

  it("writes a component met at a step's start with the step's first write of it, in one insert, or with the journal's", async () => {
    const view = new OperationResources(store, 'dev', 'cart', []);
    await view.defer(key('net', 'cart'), { type: 'vpc', category: 'cloud', phase: 'Provisioning' });
    expect((await view.find(key('net', 'cart')))?.phase).toBe('Provisioning');
    expect(await store.find(key('net', 'cart'))).toBeNull();

    const inserts = vi.spyOn(store, 'insert');
    const updates = vi.spyOn(store, 'update');
    const row = await view.upsert(key('net', 'cart'), { type: 'vpc', category: 'cloud', profileKind: 'local' });
    expect([inserts.mock.calls.length, updates.mock.calls.length]).toEqual([1, 0]);
    inserts.mockRestore();
    updates.mockRestore();
    const stored = await store.find(key('net', 'cart'));
    expect(stored).toMatchObject({ id: row.id, phase: 'Provisioning', profileKind: 'local', type: 'vpc' });

    // Nothing of the step written before the journal writes: the journal's write inserts the row first.
    await view.defer(key('web', 'cart'), { type: 'webservice', category: 'workload', phase: 'Provisioning' });
    expect(await view.takeDeferred()).toEqual([]);
    expect(await store.find(key('web', 'cart'))).toMatchObject({ phase: 'Provisioning', category: 'workload' });

    // A component whose row never got written is removed from the view alone.
    await view.defer(key('gone', 'cart'), { type: 'redis', category: 'cloud', phase: 'Provisioning' });
    await view.remove((await view.find(key('gone', 'cart')))!);
    expect(await view.find(key('gone', 'cart'))).toBeNull();
    expect(await view.takeDeferred()).toEqual([]);
    expect(await store.find(key('gone', 'cart'))).toBeNull();
  });
});
