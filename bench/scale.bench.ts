/**
 * Many applications against the built service as its own process (as `npm start` runs it), over HTTP:
 *   npx tsx bench/scale.bench.ts --apps 1000 --db sqlite|pg --shape web|vpc|vpc+rds [--clients 8] [--workers 16]
 *     [--cpu-prof DIR] [--heap-snapshot DIR] [--max-old-space MiB] [--split]
 * Prints, for that N: PUT throughput and p50/p99, time until all are Ready, the service's peak RSS, list and get
 * p50/p99 measured while the applications provision, one full refresh sweep (duration and CPU, after a restart on the
 * same data, so nothing else runs), whether sweeps overlapped, and delete throughput.
 * `--db pg` needs TEST_POSTGRES_URL (a fresh schema is made and dropped); `vpc+rds` puts the databases on the server
 * of TEST_POSTGRES_URL (BERTH_LOCAL_POSTGRES_URL).
 * `--split` (PostgreSQL only) provisions with two processes on the one database, as a production deployment runs them:
 * the API (BERTH_ROLE=api, which the clients call) and the worker (BERTH_ROLE=worker); CPU and RSS are their sums.
 * The refresh sweep and the deletes still run in one process (BERTH_ROLE=all), as without it.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTemporarySchema, urlWithSearchPath } from '../test/support/postgres-schema';
import { ensureBuilt, startBerthServer, type BerthServer } from '../test/cli/support/berth-process';
import { rssMiB } from './support/service-run';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '1000' },
    db: { type: 'string', default: 'sqlite' },
    shape: { type: 'string', default: 'vpc' },
    clients: { type: 'string', default: '8' },
    workers: { type: 'string', default: '16' },
    /** Writes a V8 CPU profile of the service's provisioning run into this directory (node --cpu-prof). */
    'cpu-prof': { type: 'string' },
    /**
     * Writes two V8 heap snapshots of the service into this directory: halfway through the PUTs and once all are
     * Ready (each pauses the service for seconds: the timings of such a run are not comparable).
     */
    'heap-snapshot': { type: 'string' },
    /** Starts the service with node --max-old-space-size=MiB (a ceiling on V8's old generation). */
    'max-old-space': { type: 'string' },
    split: { type: 'boolean', default: false },
  },
});
const N = Number(values.apps);
const DB = values.db as 'sqlite' | 'pg';
const SHAPE = values.shape as 'web' | 'vpc' | 'vpc+rds';
const CLIENTS = Number(values.clients);
const WORKERS = Number(values.workers);
if (!Number.isInteger(N) || N < 1) throw new Error('--apps must be a positive integer');
if (!['sqlite', 'pg'].includes(DB)) throw new Error('--db must be sqlite or pg');
if (!['web', 'vpc', 'vpc+rds'].includes(SHAPE)) throw new Error('--shape must be web, vpc or vpc+rds');
const PG_URL = process.env.TEST_POSTGRES_URL;
if ((DB === 'pg' || SHAPE === 'vpc+rds') && !PG_URL) throw new Error(`--db pg and vpc+rds need TEST_POSTGRES_URL`);
const SPLIT = values.split === true;
if (SPLIT && DB !== 'pg') throw new Error('--split needs --db pg (two processes share one database)');

const ENV = 'scale';
const oldSpace = values['max-old-space'];
const heapArgs = oldSpace ? [`--max-old-space-size=${Number(oldSpace)}`] : [];

function yamlOf(name: string): string {
  const web = (binding: string) => `    - name: web
      type: webservice
      properties: { image: registry.example.com/shop/web:1.0.0, port: 8080 }${binding}`;
  const net = `    - name: net
      type: vpc
`;
  const db = `    - name: db
      type: rds
      properties: { engine: postgresql, network: net }
`;
  const bind = (keys: string) => `
      traits:
        - type: service-binding
          properties: { envMappings: { ${keys} } }`;
  const components =
    SHAPE === 'web'
      ? web('')
      : SHAPE === 'vpc'
        ? net + web(bind('VPC_ID: { secret: net }'))
        : net + db + web(bind('VPC_ID: { secret: net }, DB_URL: { secret: db }'));
  return `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: ${name} }
spec:
  components:
${components}
`;
}

const percentile = (samples: number[], p: number): number => {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The Authorization header of the running service's admin token (set once it started). */
let auth: Record<string, string> = {};

async function timed(url: string, init?: RequestInit): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } });
  const body = await response.text();
  return { status: response.status, ms: performance.now() - started, body };
}

/** Runs `task(i)` for i in [0, n) on `clients` concurrent loops. */
async function pool(n: number, clients: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function count(server: BerthServer, phase?: string): Promise<number> {
  const answer = await fetch(
    `${server.url}/v1/environments/${ENV}/applications?limit=1${phase ? `&phase=${phase}` : ''}`,
    { headers: auth },
  );
  return ((await answer.json()) as { total: number }).total;
}

/** CPU seconds (user + system) a process used so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface MemorySample {
  rss: number;
  anon: number;
  file: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** The service's memory now, in MiB: RSS and its anonymous and file parts (/proc), V8's heap (/metrics). */
async function memorySample(server: BerthServer): Promise<MemorySample> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
  const bytes = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20;
  return {
    rss: kib('VmRSS'),
    anon: kib('RssAnon'),
    file: kib('RssFile'),
    heapUsed: bytes('nodejs_heap_size_used_bytes'),
    heapTotal: bytes('nodejs_heap_size_total_bytes'),
    external: bytes('nodejs_external_memory_bytes'),
  };
}

async function main(): Promise<void> {
  ensureBuilt();
  const schema = DB === 'pg' ? await createTemporarySchema(PG_URL!, 'berth_scale') : undefined;
  const env: NodeJS.ProcessEnv = {
    BERTH_LOG_LEVEL: 'error',
    BERTH_WORKER_CONCURRENCY: String(WORKERS),
    BERTH_REFRESH_INTERVAL: '0',
    ...(schema ? { DATABASE_URL: urlWithSearchPath(PG_URL!, schema.schema), BERTH_MIGRATE_ON_BOOT: 'true' } : {}),
    ...(SHAPE === 'vpc+rds' ? { BERTH_LOCAL_POSTGRES_URL: PG_URL } : {}),
  };
  console.log(
    `scale bench: ${N} apps, shape ${SHAPE}, db ${DB}, ${CLIENTS} clients, BERTH_WORKER_CONCURRENCY=${WORKERS}` +
      `${oldSpace ? `, --max-old-space-size=${oldSpace}` : ''}${SPLIT ? ', API and worker as two processes' : ''}; ` +
      `${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at start`,
  );
  const profileDir = values['cpu-prof'];
  const snapshotDir = values['heap-snapshot'];
  let server = await startBerthServer(SPLIT ? { ...env, BERTH_ROLE: 'api' } : env, undefined, [
    ...heapArgs,
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : []),
  ]);
  const snapshot = () => {
    if (snapshotDir) process.kill(server.pid, 'SIGUSR2');
  };
  auth = server.auth;
  const dataDir = server.dataDir;
  // The worker shares the API's data dir (its secret key and admin token) and database.
  let worker = SPLIT ? await startBerthServer({ ...env, BERTH_ROLE: 'worker' }, dataDir, heapArgs) : undefined;
  const pids = () => [server.pid, ...(worker ? [worker.pid] : [])];
  const summed = async (measure: (pid: number) => Promise<number>) =>
    (await Promise.all(pids().map(measure))).reduce((a, b) => a + b, 0);
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    void summed(rssMiB).then(
      (value) => (peakRss = Math.max(peakRss, value)),
      () => undefined,
    );
  }, 250);
  // What the memory is, at the sample with the highest RSS: anonymous vs file pages, and V8's heap (from /metrics).
  let peakMemory: MemorySample | undefined;
  const memoryTimer = setInterval(() => {
    void memorySample(server).then(
      (sample) => {
        if (!peakMemory || sample.rss > peakMemory.rss) peakMemory = sample;
      },
      () => undefined,
    );
  }, 1000);
  try {
    const envPut = await fetch(`${server.url}/v1/environments/${ENV}`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: { kind: 'local', settings: {} }, runtime: { kind: 'local', settings: {} } }),
    });
    if (envPut.status >= 300) throw new Error(`PUT environment: ${envPut.status} ${await envPut.text()}`);

    // Probes: list and get while the applications are put and provisioned.
    const listMs: number[] = [];
    const getMs: number[] = [];
    let probing = true;
    let probesFailed = 0;
    const probe = (async () => {
      let i = 0;
      while (probing) {
        // A probe that fails (the connection reset while a heap snapshot paused the service) is counted, not fatal.
        try {
          listMs.push((await timed(`${server.url}/v1/environments/${ENV}/applications?limit=50`)).ms);
          getMs.push((await timed(`${server.url}/v1/environments/${ENV}/applications/app-${i++ % Math.max(1, N)}`)).ms);
        } catch {
          probesFailed++;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const cpuBefore = await summed(cpuSeconds);
    const started = performance.now();
    const putMs: number[] = [];
    await pool(N, CLIENTS, async (i) => {
      const answer = await timed(`${server.url}/v1/environments/${ENV}/applications/app-${i}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/yaml' },
        body: yamlOf(`app-${i}`),
      });
      if (answer.status !== 201) throw new Error(`PUT app-${i}: ${answer.status} ${answer.body.slice(0, 300)}`);
      putMs.push(answer.ms);
      if (putMs.length === Math.floor(N / 2)) snapshot();
    });
    const putSeconds = (performance.now() - started) / 1000;

    let ready = 0;
    for (;;) {
      ready = await count(server, 'Ready');
      if (ready >= N) break;
      const failed = await count(server, 'Failed');
      if (failed > 0) throw new Error(`${failed} applications Failed`);
      if (performance.now() - started > 30 * 60_000) throw new Error(`only ${ready} of ${N} Ready after 30 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const readySeconds = (performance.now() - started) / 1000;
    const provisionCpu = (await summed(cpuSeconds)) - cpuBefore;
    snapshot();
    probing = false;
    await probe;
    const rssProvisioned = await summed(rssMiB);
    console.log(`N=${N} shape=${SHAPE} db=${DB}`);
    console.log(
      `  PUT: ${(N / putSeconds).toFixed(0)}/s, p50 ${ms(percentile(putMs, 50))}, p99 ${ms(percentile(putMs, 99))}`,
    );
    console.log(
      `  all Ready: ${readySeconds.toFixed(1)} s (${((readySeconds * 1000) / N).toFixed(2)} ms per app), ` +
        `service CPU ${provisionCpu.toFixed(1)} s${SPLIT ? ' (API + worker)' : ''}`,
    );
    console.log(
      `  during provisioning: list p50 ${ms(percentile(listMs, 50))} p99 ${ms(percentile(listMs, 99))} ` +
        `(${listMs.length} samples); get p50 ${ms(percentile(getMs, 50))} p99 ${ms(percentile(getMs, 99))}` +
        (probesFailed ? `; ${probesFailed} probes failed` : ''),
    );
    console.log(
      `  RSS${SPLIT ? ' (API + worker)' : ''}: peak ${peakRss.toFixed(0)} MiB, after provisioning ${rssProvisioned.toFixed(0)} MiB`,
    );
    await worker?.stop(true);
    worker = undefined;
    if (peakMemory)
      console.log(
        `  memory at the highest 1 s sample: RSS ${peakMemory.rss.toFixed(0)} MiB = anonymous ${peakMemory.anon.toFixed(0)} ` +
          `+ file ${peakMemory.file.toFixed(0)} MiB; V8 heap ${peakMemory.heapUsed.toFixed(0)} MiB used of ` +
          `${peakMemory.heapTotal.toFixed(0)} MiB, external ${peakMemory.external.toFixed(0)} MiB`,
      );

    // One full refresh sweep, alone: restart on the same data with a short interval, read the first sweep's report.
    try {
      await server.stop(true);
      const intervalSeconds = 2;
      server = await startBerthServer({ ...env, BERTH_REFRESH_INTERVAL: `${intervalSeconds}s` }, dataDir, heapArgs);
      auth = server.auth;
      let sweep: { applications: number; seconds: number; cpu: number } | undefined;
      let metrics = '';
      let dropped = 0;
      for (let waited = 0; !sweep && waited < 30 * 60_000; waited += 250) {
        await new Promise((r) => setTimeout(r, 250));
        // A loaded machine may drop a probe; a few in a row is a failure.
        const answer = await fetch(`${server.url}/readyz`).then(
          (r) => r.json(),
          (error: unknown) => {
            if (++dropped > 20) throw error;
            return { checks: {} };
          },
        );
        const readyz = answer as { checks: Record<string, { detail?: string }> };
        const detail = readyz.checks.refresh?.detail ?? '';
        const match = /(?:sweep of|sweep:) (\d+) applications (?:took|in) ([\d.]+) s(?:, ([\d.]+) s of CPU)?/.exec(
          detail,
        );
        if (match && Number(match[1]) >= N) {
          metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
          sweep = { applications: Number(match[1]), seconds: Number(match[2]), cpu: Number(match[3] ?? NaN) };
        }
      }
      if (!sweep) throw new Error('no refresh sweep finished within 30 minutes');
      const sweeps = Number(/^berth_refresh_sweep_seconds_count (\d+)/m.exec(metrics)?.[1] ?? NaN);
      const skipped = Number(/^berth_refresh_sweeps_skipped_total (\d+)/m.exec(metrics)?.[1] ?? NaN);
      console.log(
        `  refresh sweep of ${sweep.applications} applications: ${sweep.seconds.toFixed(1)} s, ${sweep.cpu.toFixed(1)} s CPU; ` +
          `sweeps finished ${sweeps}, ticks skipped because a sweep still ran ${skipped} (never two at once)`,
      );
    } catch (error) {
      console.log(`  refresh sweep: not measured (${String(error)}); service output: ${server.output().slice(-2000)}`);
      await server.stop(true);
      server = await startBerthServer(env, dataDir, heapArgs);
      auth = server.auth;
    }

    // Delete everything.
    await fetch(`${server.url}/readyz`);
    const deleteStarted = performance.now();
    await pool(N, CLIENTS, async (i) => {
      const answer = await timed(`${server.url}/v1/environments/${ENV}/applications/app-${i}`, { method: 'DELETE' });
      if (answer.status !== 202) throw new Error(`DELETE app-${i}: ${answer.status} ${answer.body.slice(0, 300)}`);
    });
    while ((await count(server)) > 0) {
      if (performance.now() - deleteStarted > 30 * 60_000) throw new Error('deletes did not finish in 30 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const deleteSeconds = (performance.now() - deleteStarted) / 1000;

    console.log(`  DELETE until gone: ${(N / deleteSeconds).toFixed(0)}/s (${deleteSeconds.toFixed(1)} s)`);
    console.log(
      `  load at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } catch (error) {
    console.error(server.output().slice(-4000));
    throw error;
  } finally {
    clearInterval(rssTimer);
    clearInterval(memoryTimer);
    await worker?.stop(true);
    await server.stop();
    await schema?.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
