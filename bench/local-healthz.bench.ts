/**
 * How long `GET /healthz` can take while the worker provisions 8 rds postgresql components at once on the `local`
 * environment (the first ones of a fresh service, so the embedded PostgreSQL cluster is created too). The built
 * service runs as its own process, as `npm start` runs it; this process polls /healthz back to back (each request after
 * the previous answer) from the PUT until the application is Ready and prints the latency distribution.
 * `npx tsx bench/local-healthz.bench.ts`
 */
import { availableParallelism, loadavg } from 'node:os';
import { putApplication, waitReady, withService } from './support/service-run';

const COMPONENTS = 8;

const APPLICATION = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: many-databases
spec:
  components:
${Array.from(
  { length: COMPONENTS },
  (_, i) => `    - name: db${i}
      type: rds
      properties:
        engine: postgresql
`,
).join('')}`;

export interface HealthzBenchResult {
  readyMs: number;
  samples: number;
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
}

export async function run(): Promise<HealthzBenchResult> {
  return withService(async (server) => {
    const latencies: number[] = [];
    let ready = false;
    const started = performance.now();
    const poller = (async () => {
      while (!ready) {
        const sent = performance.now();
        const answer = await fetch(`${server.url}/healthz`);
        await answer.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (!answer.ok) throw new Error(`/healthz answered ${answer.status}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await putApplication(server.url, 'local', 'many-databases', APPLICATION);
      await waitReady(server.url, 'local', 'many-databases');
    } finally {
      ready = true;
      await poller;
    }
    const readyMs = performance.now() - started;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { readyMs, samples: sorted.length, maxMs: sorted[sorted.length - 1], p99Ms: at(0.99), p50Ms: at(0.5) };
  });
}

if (require.main === module) {
  run()
    .then((r) => {
      console.log(
        `GET /healthz while ${COMPONENTS} rds postgresql components are created at once: max ${r.maxMs.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, p50 ${r.p50Ms.toFixed(1)} ms over ${r.samples} requests`,
      );
      console.log(`  apply → Ready of the ${COMPONENTS} databases: ${r.readyMs.toFixed(0)} ms`);
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
