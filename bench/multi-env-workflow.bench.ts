/* eslint-disable @typescript-eslint/no-explicit-any -- the bench walks into untyped JSON answers */
/**
 * The broker's run of a multi-environment workflow, over real HTTP with the real worker (10 environments env-0…env-9
 * on a fresh data dir, the Application at home in `local`): `npx tsx bench/multi-env-workflow.bench.ts`. Twice: on
 * the real local provider (whose work is CPU on this machine), and on the test provider answering every call after
 * 1 s (as a cloud API does: the environments' work is waiting, not CPU). `--pg` runs the service on PostgreSQL
 * (TEST_POSTGRES_URL) instead of SQLite.
 * 1. One Application delivered by a deploy step with parallelism 10 to all 10 environments: the workflow's wall time
 *    (PUT → workflow succeeded) against the slowest environment delivered alone (PUT → Ready, one at a time, the same
 *    components). Target: ≤ 1.1.
 * 2. The broker's overhead per step: a StepByStep workflow of 10 deploy steps (one environment each); its wall time
 *    minus the time the deliveries' apply operations took (queued → finished), divided by the steps. Target: ≤ 5 ms.
 * Times are observed by polling every 5 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/broker/src';
import { multiEnvShopYaml, type MultiEnvShopOptions } from '../test/fixtures/applications';
import { authenticateRequests, readAdminToken } from '../test/support/admin-auth';
import { createTemporarySchema } from '../test/support/postgres-schema';
import { TestResourceProvider } from '../test/support/test-provider';

const ENVIRONMENTS = Array.from({ length: 10 }, (_, i) => `env-${i}`);
const POLL_MS = 5;
/** `--pg`: the service on PostgreSQL (TEST_POSTGRES_URL, a fresh schema) instead of SQLite. */
const PG_URL = process.argv.includes('--pg') ? process.env.TEST_POSTGRES_URL : undefined;
if (process.argv.includes('--pg') && !PG_URL) throw new Error('--pg needs TEST_POSTGRES_URL');

/** The application each environment gets: a vpc, an oss bucket and a webservice bound to it. */
const components = (name: string, options: Pick<MultiEnvShopOptions, 'policies' | 'steps'> = {}) =>
  multiEnvShopYaml({ name, image: 'web:1', port: 8080, ...options });

const FLEET = components('fleet', {
  policies: ['{ name: fleet, type: topology, properties: { clusterLabelSelector: { fleet: all } } }'],
  steps: ['{ name: deploy-all, type: deploy, properties: { policies: [fleet], parallelism: 10 } }'],
});

const CHAIN = components('chain', {
  policies: ENVIRONMENTS.map((env) => `{ name: ${env}, type: topology, properties: { clusters: [${env}] } }`),
  steps: ENVIRONMENTS.map((env) => `{ name: deploy-${env}, type: deploy, properties: { policies: [${env}] } }`),
});

export interface MultiEnvWorkflowBenchResult {
  workflowMs: number;
  slowestAloneMs: number;
  ratio: number;
  overheadMsPerStep: number;
}

/** What the 10 environments run on: the local provider (as shipped), or a provider whose every call waits `latencyMs`. */
type Provider = { kind: 'local' } | { kind: 'test'; latencyMs: number };

async function scenario(provider: Provider): Promise<MultiEnvWorkflowBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-multi-env-'));
  const schema = PG_URL ? await createTemporarySchema(PG_URL, 'berth_bench_workflow') : undefined;
  const database = schema ? { databaseUrl: PG_URL, databaseSchema: schema.schema, migrateOnBoot: true } : {};
  const app = await createApp({
    env: {},
    config: { dataDir, logLevel: 'silent', role: 'all', workerConcurrency: 12, refreshIntervalMs: 0, ...database },
    ...(provider.kind === 'test' ? { extraProviders: [new TestResourceProvider({ env: {} })] } : {}),
  });
  const label = `${PG_URL ? 'PostgreSQL' : 'SQLite'}, ${
    provider.kind === 'local' ? 'local provider' : `a provider answering after ${provider.latencyMs} ms a call`
  }`;
  try {
    authenticateRequests(app.getHttpServer(), readAdminToken(dataDir));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/v1`;
    const call = async (method: string, path: string, body?: string | object) => {
      const answer = await fetch(`${base}${path}`, {
        method,
        headers: { 'Content-Type': typeof body === 'string' ? 'application/yaml' : 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const json = (await answer.json()) as Record<string, any>;
      if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const until = async (path: string, done: (body: Record<string, any>) => boolean) => {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const body = await call('GET', path);
        if (done(body)) return body;
        if (body.status?.phase === 'Failed' || body.status?.workflow?.phase === 'failed')
          throw new Error(`${path} failed: ${JSON.stringify(body.status)}`);
        if (Date.now() > deadline) throw new Error(`${path} did not get there`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };
    for (const env of ENVIRONMENTS) {
      await call('PUT', `/environments/${env}`, {
        provider:
          provider.kind === 'local'
            ? { kind: 'local' }
            : {
                kind: 'test',
                settings: {
                  inventoryPath: join(dataDir, `inventory-${env}.json`),
                  components: { '*': { delayMs: provider.latencyMs } },
                },
              },
        runtime: { kind: 'local' },
        labels: { fleet: 'all' },
      });
    }
    const alone = async (env: string, name: string) => {
      const started = performance.now();
      await call('PUT', `/environments/${env}/applications/${name}`, components(name));
      await until(`/environments/${env}/applications/${name}`, (a) => a.status.phase === 'Ready');
      return performance.now() - started;
    };
    /** PUT → workflow succeeded, and the part of it after the PUT answered (the run alone). */
    const workflow = async (yaml: string, name: string) => {
      const started = performance.now();
      await call('PUT', `/environments/local/applications/${name}`, yaml);
      const answered = performance.now();
      await until(`/environments/local/applications/${name}`, (a) => a.status.workflow?.phase === 'succeeded');
      return { totalMs: performance.now() - started, runMs: performance.now() - answered };
    };

    // Warm-up: the first delivery to an environment (and the first workflow run) pays one-time costs.
    for (const env of ENVIRONMENTS) await alone(env, 'warm');
    const aloneMs: number[] = [];
    for (const env of ENVIRONMENTS) aloneMs.push(await alone(env, 'solo'));
    const slowestAloneMs = Math.max(...aloneMs);
    const workflowMs = (await workflow(FLEET, 'fleet')).totalMs;
    const ratio = workflowMs / slowestAloneMs;
    // Where the time went: when the ten deliveries' applies were queued and finished, from the first queued.
    const applies = await Promise.all(
      ENVIRONMENTS.map(async (env) => {
        const { items } = await call('GET', `/environments/${env}/applications/fleet/operations`);
        return (items as Array<{ kind: string; createdAt: string; finishedAt: string }>).find(
          (o) => o.kind === 'apply',
        )!;
      }),
    );
    const first = Math.min(...applies.map((o) => Date.parse(o.createdAt)));
    const spread = (key: 'createdAt' | 'finishedAt') =>
      applies.map((o) => Date.parse(o[key]) - first).sort((a, b) => a - b);
    const range = (ms: number[]) => `${ms[0]}–${ms[ms.length - 1]} ms`;
    console.log(
      `${label}: 10 environments, one deploy step, parallelism 10: workflow ${workflowMs.toFixed(0)} ms, slowest ` +
        `environment alone ${slowestAloneMs.toFixed(0)} ms (alone: ${aloneMs.map((ms) => ms.toFixed(0)).join(', ')} ms), ` +
        `ratio ${ratio.toFixed(2)} (target ≤ 1.1); the applies queued at ${range(spread('createdAt'))}, finished at ` +
        `${range(spread('finishedAt'))}`,
    );

    const chain = await workflow(CHAIN, 'chain');
    let appliesMs = 0;
    for (const env of ENVIRONMENTS) {
      const { items } = await call('GET', `/environments/${env}/applications/chain/operations`);
      const apply = (items as Array<{ kind: string; createdAt: string; finishedAt: string }>).find(
        (o) => o.kind === 'apply',
      )!;
      appliesMs += Date.parse(apply.finishedAt) - Date.parse(apply.createdAt);
    }
    const overheadMsPerStep = (chain.runMs - appliesMs) / ENVIRONMENTS.length;
    console.log(
      `${label}: 10 deploy steps one after the other: workflow ${chain.totalMs.toFixed(0)} ms with the PUT, ` +
        `${chain.runMs.toFixed(0)} ms after it answered; the applies (queued → finished) ${appliesMs} ms; broker ` +
        `overhead ${overheadMsPerStep.toFixed(1)} ms/step (target ≤ 5 ms)`,
    );
    return { workflowMs, slowestAloneMs, ratio, overheadMsPerStep };
  } finally {
    await app.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<MultiEnvWorkflowBenchResult[]> {
  const results = [await scenario({ kind: 'local' }), await scenario({ kind: 'test', latencyMs: 1000 })];
  console.log(`(${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)})`);
  return results;
}

if (require.main === module) {
  void run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
