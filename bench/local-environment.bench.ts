/**
 * Apply → Ready through the service on the `local` environment: one application with one of each cloud type (vpc,
 * rds postgresql on the embedded PostgreSQL server inside that network, oss, slb) and a workload bound to them, over
 * real HTTP, with the real worker and the real local provider, on a fresh data dir (so the PostgreSQL cluster is
 * created too). Prints the wall time to Ready and each provision step's duration.
 * `npx tsx bench/local-environment.bench.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/broker/src';
import { multiEnvShopYaml } from '../test/fixtures/applications';
import { authenticateRequests, readAdminToken } from '../test/support/admin-auth';

const APPLICATION = multiEnvShopYaml({ name: 'bench', image: 'web:1', port: 8080, database: true, loadBalancer: true });

interface Step {
  id: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LocalEnvironmentBenchResult {
  readyMs: number;
  stepsMs: Record<string, number>;
}

export async function run(): Promise<LocalEnvironmentBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-env-'));
  const app = await createApp({ env: {}, config: { dataDir, logLevel: 'silent', role: 'all' } });
  try {
    authenticateRequests(app.getHttpServer(), readAdminToken(dataDir));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/v1`;
    const started = performance.now();
    const put = await fetch(`${base}/environments/local/applications/bench`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/yaml' },
      body: APPLICATION,
    });
    const body = (await put.json()) as { operation?: { id: string } };
    if (put.status !== 201 || !body.operation) throw new Error(`PUT answered ${put.status}: ${JSON.stringify(body)}`);
    for (;;) {
      // A poll whose kept-alive socket the server closed in the meantime is simply asked again.
      const answer = await fetch(`${base}/environments/local/applications/bench`).catch(() => undefined);
      if (!answer) continue;
      const application = (await answer.json()) as { status: { phase: string } };
      if (application.status.phase === 'Ready') break;
      if (application.status.phase === 'Failed') throw new Error(`apply failed: ${JSON.stringify(application.status)}`);
      if (performance.now() - started > 300_000) throw new Error('not Ready after 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const readyMs = performance.now() - started;
    const operation = (await (await fetch(`${base}/operations/${body.operation.id}`)).json()) as { steps: Step[] };
    const stepsMs = Object.fromEntries(
      operation.steps
        .filter((step) => step.startedAt && step.finishedAt)
        .map((step) => [step.id, Date.parse(step.finishedAt!) - Date.parse(step.startedAt!)]),
    );
    await fetch(`${base}/environments/local/applications/bench`, { method: 'DELETE' });
    return { readyMs, stepsMs };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run()
    .then((result) => {
      console.log(
        `local environment, vpc + rds + oss + slb + webservice: apply → Ready ${result.readyMs.toFixed(0)} ms`,
      );
      for (const [step, ms] of Object.entries(result.stepsMs)) console.log(`  ${step.padEnd(18)} ${ms} ms`);
      console.log(
        `load average: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} on ${availableParallelism()} cores`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
