/**
 * `PUT` of a 20-component application against the embedded SQLite database, over real HTTP:
 * `npx tsx bench/put-application.bench.ts`. Each PUT changes one property so it stores a new revision (no no-op).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../apps/broker/src';
import { Authenticator } from '../apps/broker/src/access/authenticator';
import { applicationWithComponents } from '../test/fixtures/applications';
import { readAdminToken } from '../test/support/admin-auth';

export interface PutBenchResult {
  name: string;
  components: number;
  runs: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  targetMs: number;
  pass: boolean;
  /**
   * What access control adds to each request: p50 of the guard's authentication (token hash lookup, role bindings,
   * ability), measured in the same service on the same database (goal: under 1 ms).
   */
  authP50Ms: number;
}

const TARGET_P50_MS = 15;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export async function run(
  options: { components?: number; runs?: number; warmup?: number } = {},
): Promise<PutBenchResult> {
  const components = options.components ?? 20;
  const runs = options.runs ?? 300;
  const warmup = options.warmup ?? 20;
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-put-'));
  // The API role: a PUT validates, stores the revision and queues its apply; no worker provisions anything here.
  // The generated application holds an rds mysql, which `local` accepts only with a MySQL server configured.
  const app = await createApp({
    env: { BERTH_LOCAL_MYSQL_URL: 'mysql://bench@127.0.0.1:3306/bench' },
    config: { dataDir, logLevel: 'silent', role: 'api' },
  });
  try {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/v1/environments/local/applications/bench`;
    const token = readAdminToken(dataDir);
    const auth = { Authorization: `Bearer ${token}` };
    const document = applicationWithComponents(components, 'bench');
    const web = (
      document.spec as { components: Array<{ type: string; properties: Record<string, unknown> }> }
    ).components.find((c) => c.type === 'webservice')!;

    const samples: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      web.properties.replicas = (i % 50) + 1;
      web.properties.image = `registry.example.com/app/web:${i}`;
      const body = JSON.stringify(document);
      const started = performance.now();
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...auth },
        body,
      });
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 200 && response.status !== 201) {
        throw new Error(`PUT answered ${response.status}`);
      }
      if (i >= warmup) samples.push(elapsed);
    }
    samples.sort((a, b) => a - b);
    const p50Ms = percentile(samples, 50);
    const authenticator = app.get(Authenticator);
    const authSamples: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      const outcome = await authenticator.authenticate(auth.Authorization);
      const elapsed = performance.now() - started;
      if (!('identity' in outcome)) throw new Error(`the admin token was refused: ${outcome.refused}`);
      if (i >= warmup) authSamples.push(elapsed);
    }
    authSamples.sort((a, b) => a - b);
    return {
      name: `PUT ${components}-component application (SQLite, HTTP)`,
      components,
      runs,
      p50Ms,
      p99Ms: percentile(samples, 99),
      meanMs: samples.reduce((sum, s) => sum + s, 0) / samples.length,
      targetMs: TARGET_P50_MS,
      pass: p50Ms < TARGET_P50_MS,
      authP50Ms: percentile(authSamples, 50),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run()
    .then((result) => {
      console.log(
        `${result.name}: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, mean ${result.meanMs.toFixed(2)} ms ` +
          `over ${result.runs} runs (target p50 < ${result.targetMs} ms) ${result.pass ? 'PASS' : 'FAIL'}`,
      );
      console.log(
        `of which access control (authentication + role bindings, per request): p50 ${result.authP50Ms.toFixed(3)} ms ` +
          `(goal < 1 ms) ${result.authP50Ms < 1 ? 'PASS' : 'FAIL'}`,
      );
      console.log(
        `load average: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} on ${availableParallelism()} cores`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
