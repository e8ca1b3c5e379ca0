import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecretKey, OperationExecutor, type JsonObject } from '@berth/core';
import { validateApplication } from '@berth/oam';
import {
  ApplicationRepository,
  createDataSource,
  EnvironmentRepository,
  ManagedResourceRepository,
  OperationRepository,
  prepareSchema,
  WorkloadDeliveryRepository,
  type OperationEntity,
} from '@berth/persistence';
import type { DataSource } from 'typeorm';
import { LocalWorkloadRuntime } from '../../apps/broker/src/adapters/local-workload.runtime';
import { ProviderRegistry } from '../../apps/broker/src/adapters/provider.registry';
import { RuntimeRegistry } from '../../apps/broker/src/adapters/runtime.registry';
import { OperationRunner } from '../../apps/broker/src/lifecycle/operation.runner';
import { ResourceRequests } from '../../apps/broker/src/lifecycle/steps/resource-requests';
import { stepHandlersOver } from '../../apps/broker/src/lifecycle/steps/step-handlers';
import { SecretKeyring } from '../../apps/broker/src/secrets/secret-keyring';
import { SecretStore } from '../../apps/broker/src/secrets/secret-store';
import { TestInventory } from '../support/test-provider/test-inventory';
import type { ExitPoint } from '../support/test-provider/test-provider-settings';
import { TestResourceProvider } from '../support/test-provider/test.provider';

/**
 * The production step handlers (the map keyed by action, the request builder, the secret store) run by the
 * production OperationRunner over real repositories on SQLite, with the test provider and the local runtime. A crash
 * is the test provider's exit hook stopping the worker: the operation is claimed again and resumed, as after a
 * restart.
 */
class Worker {
  private crash: ((point: ExitPoint) => void) | undefined;
  readonly environments: EnvironmentRepository;
  readonly applications: ApplicationRepository;
  readonly operations: OperationRepository;
  readonly resources: ManagedResourceRepository;
  readonly deliveries: WorkloadDeliveryRepository;
  readonly secrets: SecretStore;
  private readonly runner: OperationRunner;

  private constructor(
    readonly dataSource: DataSource,
    readonly dataDir: string,
  ) {
    this.environments = new EnvironmentRepository(dataSource);
    this.applications = new ApplicationRepository(dataSource);
    this.operations = new OperationRepository(dataSource);
    this.resources = new ManagedResourceRepository(dataSource);
    this.deliveries = new WorkloadDeliveryRepository(dataSource);
    this.secrets = new SecretStore(new SecretKeyring(generateSecretKey()), this.resources);
    const provider = new TestResourceProvider({ env: {}, exit: (point) => this.crash?.(point) });
    const requests = new ResourceRequests(new ProviderRegistry([provider]), this.resources, this.secrets);
    this.runner = new OperationRunner({
      operations: this.operations,
      applications: this.applications,
      environments: this.environments,
      resources: this.resources,
      secrets: this.secrets,
      steps: stepHandlersOver({
        applications: this.applications,
        resources: this.resources,
        deliveries: this.deliveries,
        runtimes: new RuntimeRegistry([new LocalWorkloadRuntime(this.deliveries)]),
        secrets: this.secrets,
        requests,
      }),
      // Retries without waiting: the backoff itself is the executor's own spec.
      executor: new OperationExecutor({ sleeper: { sleep: () => Promise.resolve() } }),
      leaseMs: 30_000,
    });
  }

  static async open(): Promise<Worker> {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-steps-'));
    const dataSource = createDataSource({ dataDir });
    await dataSource.initialize();
    await prepareSchema(dataSource, 'run');
    return new Worker(dataSource, dataDir);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get inventoryPath(): string {
    return join(this.dataDir, 'inventory.json');
  }

  async environment(settings: Record<string, unknown> = {}): Promise<void> {
    await this.environments.put({
      name: 'dev',
      provider: { kind: 'test', settings: { inventoryPath: this.inventoryPath, ...settings } },
      profiles: {},
      runtime: { kind: 'local', settings: {} },
    });
  }

  /** Stores a revision of the document and queues its apply, as a PUT does. */
  async apply(document: JsonObject): Promise<OperationEntity> {
    const validated = validateApplication(document, { profileNames: [] });
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    let queued: OperationEntity | undefined;
    await this.applications.appendRevision(
      {
        environmentName: 'dev',
        name: 'shop',
        document: validated.document,
        contentHash: JSON.stringify(validated.document),
        originalText: JSON.stringify(document),
        contentType: 'application/json',
      },
      {
        current: (await this.applications.find('dev', 'shop')) ?? undefined,
        inTransaction: async (manager, application, revision) => {
          queued = await this.operations.enqueue(manager, {
            kind: 'apply',
            applicationId: application.id,
            environmentName: 'dev',
            applicationName: 'shop',
            generation: application.generation,
            revisionId: revision.id,
          });
        },
      },
    );
    return queued!;
  }

  async delete(options: { orphan?: boolean } = {}): Promise<OperationEntity> {
    const application = (await this.applications.find('dev', 'shop'))!;
    return this.dataSource.transaction(async (manager) => {
      await this.applications.markDeleting(manager, application, new Date());
      return this.operations.enqueue(manager, {
        kind: 'delete',
        applicationId: application.id,
        environmentName: 'dev',
        applicationName: 'shop',
        generation: application.generation,
        revisionId: application.currentRevisionId,
        options: options.orphan ? { orphan: true } : {},
      });
    });
  }

  /**
   * Claims and runs operations until the given one has ended; counts the claims it took. The test provider ends
   * "the process" at the profile's `exitAt` point (once: it notes that in its inventory): the worker stops there and
   * the next claim resumes the operation.
   */
  async runToEnd(id: string): Promise<{ operation: OperationEntity; claims: number }> {
    for (let claims = 0; claims < 10;) {
      const operation = (await this.operations.find(id))!;
      if (operation.state !== 'Queued' && operation.state !== 'Running') return { operation, claims };
      const claimed = await this.operations.claim(`test-worker/${claims}`, 30_000, new Date());
      if (!claimed) throw new Error(`operation ${id} could not be claimed`);
      claims++;
      const stop = new AbortController();
      this.crash = (point) => {
        stop.abort(new Error(`crashed at ${point.component}:${point.when}:${point.action}`));
        throw new Error('process ended');
      };
      await this.runner.run(claimed, stop.signal);
    }
    throw new Error('did not converge');
  }

  async steps(id: string): Promise<string[]> {
    return ((await this.operations.find(id))!.steps ?? []).map((s) => s.id);
  }

  async events(id: string): Promise<string> {
    return JSON.stringify(await this.operations.eventsAfter(id));
  }

  async inventory(): Promise<string[]> {
    return (await new TestInventory(this.inventoryPath).resources()).map((r) => r.component).sort();
  }
}

const shop = (instanceClass = 'small'): JsonObject => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'shop' },
  spec: {
    components: [
      { name: 'net', type: 'vpc', properties: { cidr: '10.0.0.0/16' } },
      { name: 'db', type: 'rds', properties: { engine: 'mysql', network: 'net', instanceClass } },
      { name: 'media', type: 'oss', properties: { deletionPolicy: 'Retain' } },
      {
        name: 'api',
        type: 'webservice',
        properties: { image: 'shop:1' },
        traits: [
          {
            type: 'service-binding',
            properties: {
              envMappings: { DB_URL: { secret: 'db', key: 'DB_URL' }, BUCKET: { secret: 'media', key: 'BUCKET_NAME' } },
            },
          },
        ],
      },
    ],
  },
});

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

describe('the production step handlers with the test provider', () => {
  it('applies through retries, delivers the workload with its bindings, and re-applies unchanged components as no-ops', async () => {
    worker = await Worker.open();
    await worker.environment({ components: { db: { failTimes: 2 } } });
    const first = await worker.runToEnd((await worker.apply(shop())).id);
    expect(first.operation.state).toBe('Succeeded');
    expect(first.operation.steps!.find((s) => s.id === 'provision:db')!.attempts).toBe(3);
    expect(await worker.inventory()).toEqual(['db', 'media', 'net']);
    const delivered = (await worker.deliveries.find('dev', 'shop', 'api'))!;
    expect(delivered.variables.map((v) => v.name)).toEqual(['DB_URL', 'BUCKET']);
    // The generated password is held sealed and reached the provider, yet no secret value is in the events.
    const db = (await worker.resources.find({ environmentName: 'dev', applicationName: 'shop', component: 'db' }))!;
    const password = worker.secrets.heldInputs('dev', 'shop', db).password!;
    expect(password.length).toBeGreaterThan(12);
    const [material] = (await worker.secrets.materials('dev', 'shop')).filter((m) => m.component === 'db');
    expect(material!.data.DB_URL).toContain(material!.data.DB_PASSWORD);
    const events = await worker.events(first.operation.id);
    expect(events).not.toContain(password);
    expect(events).not.toContain(material!.data.DB_PASSWORD);
    expect(material!.version).toBe(1);

    const noop = await worker.runToEnd((await worker.apply(shop())).id);
    expect(await worker.steps(noop.operation.id)).toEqual(['deliver:api']);
    const kept = (await worker.resources.find({ environmentName: 'dev', applicationName: 'shop', component: 'db' }))!;
    expect(worker.secrets.heldInputs('dev', 'shop', kept).password).toBe(password);

    const resized = await worker.runToEnd((await worker.apply(shop('large'))).id);
    expect(resized.operation.state).toBe('Succeeded');
    expect(await worker.steps(resized.operation.id)).toEqual(['provision:db', 'deliver:api']);
    // The same values (the password was kept): no new secret version.
    expect((await worker.resources.latestSecret(db.id))!.version).toBe(1);
    // Injected failures happen before anything is recorded: one create, one update.
    expect((await new TestInventory(worker.inventoryPath).resources()).find((r) => r.component === 'db')!.applies).toBe(
      2,
    );
  });

  it('blocks the workload but finishes the independent components when one fails for good', async () => {
    worker = await Worker.open();
    await worker.environment({ components: { db: { failPermanently: 'engine mysql 4.0 is not offered' } } });
    const { operation } = await worker.runToEnd((await worker.apply(shop())).id);
    expect(operation.state).toBe('Failed');
    expect(operation.error).toContain('engine mysql 4.0 is not offered');
    const states = Object.fromEntries(operation.steps!.map((s) => [s.id, s.state]));
    expect(states['provision:db']).toBe('Failed');
    expect(states['deliver:api']).not.toBe('Succeeded');
    expect(await worker.inventory()).toEqual(['media', 'net']);
    expect(await worker.deliveries.find('dev', 'shop', 'api')).toBeNull();
  });

  const crashPoints: ExitPoint[] = [];
  for (const component of ['net', 'db', 'media'])
    for (const when of ['before', 'after'] as const) crashPoints.push({ component, when, action: 'apply' });

  it.each(crashPoints)(
    'converges to exactly one resource per component after a crash at $component:$when:$action, and delete leaves nothing but the retained bucket',
    async (point) => {
      worker = await Worker.open();
      await worker.environment({ exitAt: point });
      const applied = await worker.runToEnd((await worker.apply(shop())).id);
      expect(applied.operation.state).toBe('Succeeded');
      expect(applied.claims).toBe(2);
      const ids = (await new TestInventory(worker.inventoryPath).resources()).map((r) => r.id);
      expect(await worker.inventory()).toEqual(['db', 'media', 'net']);
      expect(new Set(ids).size).toBe(ids.length);

      const destroyAt: ExitPoint = {
        ...point,
        action: 'destroy',
        component: point.component === 'media' ? 'db' : point.component,
      };
      await worker.environment({ exitAt: destroyAt });
      const deleted = await worker.runToEnd((await worker.delete()).id);
      expect(deleted.operation.state).toBe('Succeeded');
      expect(deleted.claims).toBe(2);
      expect(await worker.steps(deleted.operation.id)).toEqual([
        'remove-workloads',
        'destroy:db',
        'retain:media',
        'destroy:net',
        'remove-secrets',
        'finalize',
      ]);
      expect(await worker.inventory()).toEqual(['media']);
      // Finalized: the application is gone, only the retained bucket's record stays for a later apply to adopt.
      expect(await worker.applications.find('dev', 'shop')).toBeNull();
      expect((await worker.resources.list('dev', 'shop')).map((r) => [r.component, r.retained])).toEqual([
        ['media', true],
      ]);
    },
  );

  it('keeps every cloud resource with orphan, and a later apply adopts them', async () => {
    worker = await Worker.open();
    await worker.environment();
    await worker.runToEnd((await worker.apply(shop())).id);
    const { operation } = await worker.runToEnd((await worker.delete({ orphan: true })).id);
    expect(operation.state).toBe('Succeeded');
    expect(await worker.inventory()).toEqual(['db', 'media', 'net']);
    expect((await worker.resources.list('dev', 'shop')).every((r) => r.retained)).toBe(true);
    const adopted = await worker.runToEnd((await worker.apply(shop())).id);
    expect(adopted.operation.state).toBe('Succeeded');
    expect(
      adopted.operation
        .steps!.filter((s) => s.action === 'provision')
        .map((s) => s.description)
        .sort(),
    ).toEqual(['Adopt oss media', 'Adopt rds db', 'Adopt vpc net']);
    expect(await worker.inventory()).toEqual(['db', 'media', 'net']);
  });
});
