import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  componentPropertiesHash,
  MemoryOperationJournal,
  OperationExecutor,
  planOperation,
  requireReadyBindings,
  resolveBindings,
  resourceIdempotencyKey,
  type ApplicationSpec,
  type AvailableSecret,
  type CloudComponentSpec,
  type CloudComponentType,
  type DependencyOutputs,
  type OperationKind,
  type RecordedResource,
  type ResourceRequest,
  type Sleeper,
  type StepHandler,
  type WorkloadComponentSpec,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { TestInventory } from './test-inventory';
import type { ExitPoint } from './test-provider-settings';
import { TestResourceProvider } from './test.provider';

/**
 * The framework-free engine end to end with the test provider: a small in-memory stand-in for what the service
 * records (managed resources, secret versions, delivered workloads) around the real planner, executor, binding
 * resolution and provider. The service's database-backed version is tested in the broker's own suites.
 */
class MiniBroker {
  readonly records = new Map<string, RecordedResource & { outputs: DependencyOutputs }>();
  readonly secrets = new Map<string, AvailableSecret>();
  readonly delivered = new Map<string, { checksum: string; env: string[] }>();
  finalized = false;
  readonly sleeper: Sleeper = { sleep: () => Promise.resolve() };

  constructor(
    readonly inventoryPath: string,
    public provider: TestResourceProvider,
    readonly settings: Record<string, unknown> = {},
  ) {}

  request(
    component: string,
    type: CloudComponentType,
    properties: Record<string, unknown>,
    signal: AbortSignal,
    dependencies: Record<string, DependencyOutputs> = {},
  ): ResourceRequest {
    return {
      environment: 'dev',
      application: 'shop',
      component,
      type,
      profile: { kind: 'test', settings: { inventoryPath: this.inventoryPath, ...this.settings } },
      properties,
      secretProperties: {},
      dependencies,
      externalIds: this.records.get(component)?.outputs.externalIds ?? {},
      idempotencyKey: resourceIdempotencyKey('dev', 'shop', component),
      signal,
    };
  }

  handler(app: ApplicationSpec | undefined): StepHandler {
    return async (step, context) => {
      const spec = app?.components.find((c) => c.name === step.component);
      const record = step.component ? this.records.get(step.component) : undefined;
      switch (step.action) {
        case 'provision': {
          const cloud = spec as CloudComponentSpec;
          const dependencies = Object.fromEntries(
            cloud.dependsOn
              .concat(typeof cloud.properties.network === 'string' ? [cloud.properties.network] : [])
              .map((d) => [d, this.records.get(d)!.outputs]),
          );
          const result = await this.provider.apply(
            this.request(cloud.name, cloud.type, cloud.properties, context.signal, dependencies),
            context.log,
          );
          context.scrubber.addAll(Object.values(result.secretOutputs));
          this.records.set(cloud.name, {
            component: cloud.name,
            type: cloud.type,
            deletionPolicy: cloud.deletionPolicy,
            phase: 'Ready',
            propertiesHash: componentPropertiesHash(cloud),
            retained: false,
            dependsOn: Object.keys(dependencies),
            outputs: { type: cloud.type, externalIds: result.externalIds, outputs: result.outputs },
          });
          const previous = this.secrets.get(cloud.connectionSecretName);
          this.secrets.set(cloud.connectionSecretName, {
            name: cloud.connectionSecretName,
            component: cloud.name,
            version: (previous?.version ?? 0) + 1,
            keys: [...Object.keys(result.outputs), ...Object.keys(result.secretOutputs)],
            sensitiveKeys: Object.keys(result.secretOutputs),
          });
          return { id: result.externalIds.id };
        }
        case 'deliver': {
          const resolution = requireReadyBindings(
            step.component!,
            resolveBindings(spec as WorkloadComponentSpec, app!, this.secrets.values()),
          );
          this.delivered.set(step.component!, {
            checksum: resolution.bindingsChecksum,
            env: resolution.env.map((e) => e.name),
          });
          return;
        }
        case 'destroy':
          await this.provider.destroy(
            this.request(record!.component, record!.type as CloudComponentType, {}, context.signal),
            context.log,
          );
          this.records.set(record!.component, { ...record!, phase: 'Deleted' });
          return;
        case 'retain':
          this.records.set(record!.component, { ...record!, phase: 'Retained', retained: true });
          return;
        case 'remove-workload':
        case 'remove-workloads':
          if (step.component) this.delivered.delete(step.component);
          else this.delivered.clear();
          return;
        case 'remove-secrets':
          this.secrets.clear();
          return;
        case 'finalize':
          this.finalized = true;
          return;
        case 'refresh':
          return;
        case 'rotate':
        case 'revoke':
          throw new Error(`this in-memory service does not rotate credentials (step ${step.id})`);
      }
    };
  }

  /** One operation, resumed after every "crash" (the exit hook) until it ends, as a worker taking over a lease would. */
  async run(kind: OperationKind, app: ApplicationSpec | undefined, options: { orphan?: boolean } = {}) {
    const plan = planOperation({
      kind,
      application: app,
      resources: [...this.records.values()],
      types: BUILTIN_TYPES,
      options,
    });
    const journal = new MemoryOperationJournal();
    for (let run = 0; run < 10; run++) {
      const lease = new AbortController();
      const crashing = new TestResourceProvider({
        env: {},
        exit: (point: ExitPoint) => {
          lease.abort(new Error(`crashed at ${point.component}:${point.when}:${point.action}`));
          throw new Error('process ended');
        },
      });
      this.provider = crashing;
      const result = await new OperationExecutor({ sleeper: this.sleeper }).execute({
        steps: plan.steps,
        completed: journal.completedSteps(),
        handler: this.handler(app),
        journal,
        signal: lease.signal,
      });
      if (result.outcome !== 'Interrupted') return { plan, result, journal, runs: run + 1 };
    }
    throw new Error('did not converge');
  }
}

const net = (cidr = '10.0.0.0/16'): CloudComponentSpec => ({
  kind: 'cloud',
  name: 'net',
  type: 'vpc',
  properties: { cidr },
  dependsOn: [],
  traits: [],
  deletionPolicy: 'Delete',
  connectionSecretName: 'shop-net-conn',
});
const db = (instanceClass = 'small'): CloudComponentSpec => ({
  kind: 'cloud',
  name: 'db',
  type: 'rds',
  properties: { engine: 'mysql', network: 'net', instanceClass },
  dependsOn: [],
  traits: [],
  deletionPolicy: 'Delete',
  connectionSecretName: 'shop-db-conn',
});
const media: CloudComponentSpec = {
  kind: 'cloud',
  name: 'media',
  type: 'oss',
  properties: {},
  dependsOn: [],
  traits: [],
  deletionPolicy: 'Retain',
  connectionSecretName: 'shop-media-conn',
};
const api: WorkloadComponentSpec = {
  kind: 'workload',
  name: 'api',
  type: 'webservice',
  properties: { image: 'shop:1' },
  dependsOn: [],
  traits: [],
  bindings: [
    { env: 'DB_URL', secret: 'db', key: 'DB_URL' },
    { env: 'BUCKET', secret: 'shop-media-conn', key: 'BUCKET_NAME' },
  ],
};
const shop = (components = [net(), db(), media, api]): ApplicationSpec => ({
  name: 'shop',
  labels: {},
  annotations: {},
  components,
  policies: [],
});

const inventoryDirs: string[] = [];
afterAll(() => inventoryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function inventoryFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lifecycle-'));
  inventoryDirs.push(dir);
  return join(dir, 'inventory.json');
}

async function components(path: string): Promise<string[]> {
  return (await new TestInventory(path).resources()).map((r) => r.component).sort();
}

describe('lifecycle engine with the test provider', () => {
  it('applies through retries, delivers the workload with its bindings, and re-applies unchanged components as no-ops', async () => {
    const path = inventoryFile();
    const broker = new MiniBroker(path, new TestResourceProvider({ env: {} }), {
      components: { db: { failTimes: 2 } },
    });
    const first = await broker.run('apply', shop());
    expect(first.result.outcome).toBe('Succeeded');
    expect(
      first.journal
        .of('started')
        .filter((e) => e.step === 'provision:db')
        .map((e) => e.attempt),
    ).toEqual([1, 2, 3]);
    expect(await components(path)).toEqual(['db', 'media', 'net']);
    expect(broker.delivered.get('api')!.env).toEqual(['DB_URL', 'BUCKET']);
    // No secret value reached the journal, although the provider's password is in DB_URL.
    expect(JSON.stringify(first.journal.entries)).not.toMatch(/test-only-/);

    const checksum = broker.delivered.get('api')!.checksum;
    const noop = await broker.run('apply', shop());
    expect(noop.plan.steps.map((s) => s.id)).toEqual(['deliver:api']);
    expect(broker.delivered.get('api')!.checksum).toBe(checksum);

    const resized = await broker.run('apply', shop([net(), db('large'), media, api]));
    expect(resized.plan.steps.map((s) => s.id)).toEqual(['provision:db', 'deliver:api']);
    expect(broker.delivered.get('api')!.checksum).not.toBe(checksum);
    // Injected failures happen before anything is recorded: one create, one update.
    expect((await new TestInventory(path).resources()).find((r) => r.component === 'db')!.applies).toBe(2);
  });

  it('blocks the workload but finishes the independent components when one fails for good', async () => {
    const path = inventoryFile();
    const broker = new MiniBroker(path, new TestResourceProvider({ env: {} }), {
      components: { db: { failPermanently: 'engine mysql 4.0 is not offered' } },
    });
    const { result } = await broker.run('apply', shop());
    expect(result.outcome).toBe('Failed');
    expect(result.failed.map((f) => [f.id, f.failure.message])).toEqual([
      ['provision:db', 'engine mysql 4.0 is not offered'],
    ]);
    expect(result.blocked).toEqual([{ id: 'deliver:api', blockedBy: 'provision:db' }]);
    expect(await components(path)).toEqual(['media', 'net']);
  });

  const crashPoints: ExitPoint[] = [];
  for (const component of ['net', 'db', 'media'])
    for (const when of ['before', 'after'] as const) crashPoints.push({ component, when, action: 'apply' });

  it.each(crashPoints)(
    'converges to exactly one resource per component after a crash at $component:$when:$action, and delete leaves nothing but the retained bucket',
    async (point) => {
      const path = inventoryFile();
      const broker = new MiniBroker(path, new TestResourceProvider({ env: {} }), { exitAt: point });
      const applied = await broker.run('apply', shop());
      expect(applied.result.outcome).toBe('Succeeded');
      expect(applied.runs).toBe(2);
      expect(await components(path)).toEqual(['db', 'media', 'net']);
      expect((await new TestInventory(path).resources()).map((r) => r.id)).toHaveLength(
        new Set((await new TestInventory(path).resources()).map((r) => r.id)).size,
      );

      const destroyPoint: ExitPoint = {
        ...point,
        action: 'destroy',
        component: point.component === 'media' ? 'db' : point.component,
      };
      const deleter = new MiniBroker(path, broker.provider, { exitAt: destroyPoint });
      for (const [name, record] of broker.records) deleter.records.set(name, record);
      const deleted = await deleter.run('delete', undefined);
      expect(deleted.result.outcome).toBe('Succeeded');
      expect(deleted.runs).toBe(2);
      expect(deleted.plan.steps.map((s) => s.id)).toEqual([
        'remove-workloads',
        'destroy:db',
        'retain:media',
        'destroy:net',
        'remove-secrets',
        'finalize',
      ]);
      expect(await components(path)).toEqual(['media']);
      expect(deleter.finalized).toBe(true);
    },
  );

  it('keeps every cloud resource with orphan', async () => {
    const path = inventoryFile();
    const broker = new MiniBroker(path, new TestResourceProvider({ env: {} }));
    await broker.run('apply', shop());
    const { result } = await broker.run('delete', undefined, { orphan: true });
    expect(result.outcome).toBe('Succeeded');
    expect(await components(path)).toEqual(['db', 'media', 'net']);
    expect([...broker.records.values()].every((r) => r.retained)).toBe(true);
    // A later apply adopts them: same resources, no new ones.
    const adopted = await broker.run('apply', shop());
    expect(
      adopted.plan.steps
        .filter((s) => s.action === 'provision')
        .map((s) => s.description)
        .sort(),
    ).toEqual(['Adopt oss media', 'Adopt rds db', 'Adopt vpc net']);
    expect(await components(path)).toEqual(['db', 'media', 'net']);
  });
});
