/**
 * The lifecycle engine's own cost: `npx tsx bench/orchestration.bench.ts`.
 * Plans and executes operations with an in-memory journal and a provider whose calls take a fixed time, so what is
 * measured is the engine (planning, scheduling, journal calls, timeouts, scrubbing), not a cloud.
 */
import {
  MemoryOperationJournal,
  OperationExecutor,
  planOperation,
  resourceIdempotencyKey,
  ResourceProvider,
  SecretScrubber,
  type ApplicationSpec,
  type ApplyResult,
  type CloudComponentSpec,
  type DriftReport,
  type OperationLog,
  type ProviderAvailability,
  type ResourcePlan,
  type ResourceRequest,
  type StepHandler,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationRepository, OperationRepository } from '@berth/persistence';
import { DataSource } from 'typeorm';
import { createApp } from '../apps/broker/src';
import { TestResourceProvider } from '../test/support/test-provider';

/** A provider whose every call takes `delayMs` (0: resolves on the next tick), honouring the request's signal. */
class FixedDelayProvider extends ResourceProvider {
  readonly kinds = ['bench'] as const;
  constructor(private readonly delayMs: number) {
    super();
  }
  async availability(): Promise<ProviderAvailability> {
    return { available: true };
  }
  validateProfile(): [] {
    return [];
  }
  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    return { changes: [{ action: 'create', resource: request.component }], exact: true };
  }
  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    await this.wait(request.signal);
    log.log('info', `applied ${request.component}`);
    return {
      externalIds: { id: `bench-${request.component}` },
      outputs: { HOST: `${request.component}.bench.invalid` },
      secretOutputs: { PASSWORD: 'bench-pw' },
    };
  }
  async destroy(request: ResourceRequest): Promise<void> {
    await this.wait(request.signal);
  }
  async refresh(request: ResourceRequest): Promise<DriftReport> {
    await this.wait(request.signal);
    return { drifted: false, exists: true, differences: [] };
  }
  private wait(signal: AbortSignal): Promise<void> {
    if (this.delayMs === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, this.delayMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}

function component(name: string, dependsOn: string[] = []): CloudComponentSpec {
  return {
    kind: 'cloud',
    name,
    type: 'oss',
    properties: {},
    dependsOn,
    traits: [],
    deletionPolicy: 'Delete',
    connectionSecretName: `bench-${name}-conn`,
  };
}

function app(components: CloudComponentSpec[]): ApplicationSpec {
  return { name: 'bench', labels: {}, annotations: {}, components, policies: [] };
}

/** Plans an apply from scratch and executes it; returns the wall time of both (ms). */
async function applyOnce(
  application: ApplicationSpec,
  provider: ResourceProvider,
): Promise<{ wallMs: number; steps: number }> {
  const start = performance.now();
  const plan = planOperation({ kind: 'apply', application, resources: [], types: BUILTIN_TYPES });
  const handler: StepHandler = async (step, context) => {
    if (step.action !== 'provision') return;
    const spec = application.components.find((c) => c.name === step.component) as CloudComponentSpec;
    const result = await provider.apply(
      {
        environment: 'bench',
        application: application.name,
        component: spec.name,
        type: spec.type,
        profile: { kind: 'bench', settings: {} },
        properties: spec.properties,
        secretProperties: {},
        dependencies: {},
        externalIds: {},
        idempotencyKey: resourceIdempotencyKey('bench', application.name, spec.name),
        signal: context.signal,
      },
      context.log,
    );
    context.scrubber.addAll(Object.values(result.secretOutputs));
    return { externalIds: result.externalIds };
  };
  const execution = await new OperationExecutor().execute({
    steps: plan.steps,
    handler,
    journal: new MemoryOperationJournal(),
    scrubber: new SecretScrubber(['bench-secret-1', 'bench-secret-2']),
  });
  if (execution.outcome !== 'Succeeded') throw new Error(`bench operation ended ${execution.outcome}`);
  return { wallMs: performance.now() - start, steps: plan.steps.length };
}

export interface OrchestrationBenchResult {
  independent20WallMs: number;
  chain4WallMs: number;
  overheadPerStepMs: { independent: number; chain: number };
  queuedNoOpAppliesPerSecond: number;
}

export const TARGETS = {
  independent20WallMs: 700,
  chain4WallMs: 2100,
  overheadPerStepMs: 5,
  queuedNoOpAppliesPerSecond: 50,
} as const;

export async function run(): Promise<OrchestrationBenchResult> {
  const slow = new FixedDelayProvider(500);
  const instant = new FixedDelayProvider(0);
  // Warm up the code paths (JIT) so the first figure is not the cost of compiling.
  await applyOnce(app(Array.from({ length: 50 }, (_, i) => component(`w${i}`))), instant);
  await applyOnce(app(Array.from({ length: 50 }, (_, i) => component(`w${i}`, i === 0 ? [] : [`w${i - 1}`]))), instant);

  const independent = await applyOnce(app(Array.from({ length: 20 }, (_, i) => component(`c${i}`))), slow);
  const chain = await applyOnce(
    app(Array.from({ length: 4 }, (_, i) => component(`c${i}`, i === 0 ? [] : [`c${i - 1}`]))),
    slow,
  );

  const wide = await applyOnce(app(Array.from({ length: 1000 }, (_, i) => component(`c${i}`))), instant);
  const long = await applyOnce(
    app(Array.from({ length: 200 }, (_, i) => component(`c${i}`, i === 0 ? [] : [`c${i - 1}`]))),
    instant,
  );

  const queue = await queuedNoOpApplies(1000);

  return {
    independent20WallMs: independent.wallMs,
    chain4WallMs: chain.wallMs,
    overheadPerStepMs: { independent: wide.wallMs / wide.steps, chain: long.wallMs / long.steps },
    queuedNoOpAppliesPerSecond: queue.perSecond,
  };
}

/**
 * Operations per second through the database queue: 1,000 applications (a vpc on the test provider and a bound
 * webservice) are applied once, then an apply of each (unchanged: the vpc is left out by the planner, the workload
 * re-delivered) is queued in one transaction, and the clock runs until the worker (BERTH_WORKER_CONCURRENCY 8, SQLite)
 * has finished every one: claims with leases, the journal's step rows and events, the local runtime's records.
 */
async function queuedNoOpApplies(count: number): Promise<{ perSecond: number; wallMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-queue-'));
  const app = await createApp({
    env: {},
    config: {
      dataDir,
      logLevel: 'silent',
      role: 'all',
      workerConcurrency: 8,
      refreshIntervalMs: 0,
      lifecycle: { workerPollMs: 20 },
    },
    extraProviders: [new TestResourceProvider({ env: {} })],
  });
  try {
    const server = app.getHttpServer();
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const call = async (method: string, path: string, body: string, type = 'application/json') => {
      const answer = await fetch(`${base}${path}`, { method, headers: { 'content-type': type }, body });
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
      return answer.json() as Promise<Record<string, unknown>>;
    };
    await call(
      'PUT',
      '/v1/environments/bench',
      JSON.stringify({
        provider: { kind: 'test', settings: { inventoryPath: join(dataDir, 'inventory.json') } },
        runtime: { kind: 'local' },
      }),
    );
    const yaml = (name: string) =>
      `apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: { name: ${name} }\nspec:\n  components:\n    - { name: net, type: vpc, properties: { cidr: 10.0.0.0/16 } }\n    - name: web\n      type: webservice\n      properties: { image: web:1 }\n      traits: [ { type: service-binding, properties: { envMappings: { VPC_ID: { secret: net } } } } ]\n`;
    const names = Array.from({ length: count }, (_, i) => `app-${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names
          .slice(i, i + 50)
          .map((name) => call('PUT', `/v1/environments/bench/applications/${name}`, yaml(name), 'application/yaml')),
      );
    }
    const dataSource = app.get(DataSource);
    const operations = app.get(OperationRepository);
    const idle = async () => {
      for (;;) {
        const [{ n }] = await dataSource.query(
          `SELECT COUNT(*) AS n FROM operations WHERE state IN ('Queued', 'Running')`,
        );
        if (Number(n) === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await idle();
    const applications = app.get(ApplicationRepository);
    const rows = await Promise.all(names.map((name) => applications.find('bench', name)));
    const started = performance.now();
    await dataSource.transaction(async (manager) => {
      for (const row of rows) {
        await operations.enqueue(manager, {
          kind: 'apply',
          applicationId: row!.id,
          environmentName: 'bench',
          applicationName: row!.name,
          generation: row!.generation,
          revisionId: row!.currentRevisionId,
        });
      }
    });
    await idle();
    const wallMs = performance.now() - started;
    const [{ n: succeeded }] = await dataSource.query(`SELECT COUNT(*) AS n FROM operations WHERE state = 'Succeeded'`);
    if (Number(succeeded) !== count * 2)
      throw new Error(`expected ${count * 2} succeeded operations, found ${succeeded}`);
    return { perSecond: count / (wallMs / 1000), wallMs };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run()
    .then((result) => {
      const line = (label: string, value: number, target: number, unit = 'ms') =>
        console.log(
          `${label}: ${value.toFixed(value < 10 ? 3 : 0)} ${unit} (target < ${target} ${unit}) ${value < target ? 'ok' : 'MISSED'}`,
        );
      line('20 independent components of 500 ms, wall', result.independent20WallMs, TARGETS.independent20WallMs);
      line('chain of 4 components of 500 ms, wall', result.chain4WallMs, TARGETS.chain4WallMs);
      line(
        'engine overhead per step (1,000 independent 0 ms steps)',
        result.overheadPerStepMs.independent,
        TARGETS.overheadPerStepMs,
      );
      line(
        'engine overhead per step (chain of 200 0 ms steps)',
        result.overheadPerStepMs.chain,
        TARGETS.overheadPerStepMs,
      );
      console.log(
        `operations per second (1,000 queued no-op applies, SQLite, 8 workers): ${result.queuedNoOpAppliesPerSecond.toFixed(0)} /s (target > ${TARGETS.queuedNoOpAppliesPerSecond} /s) ${result.queuedNoOpAppliesPerSecond > TARGETS.queuedNoOpAppliesPerSecond ? 'ok' : 'MISSED'}`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
