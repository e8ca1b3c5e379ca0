/**
 * Where SQLite's time goes while N vpc + webservice applications are put and provisioned, per SQL text:
 *   npx tsx bench/sqlite-statements.bench.ts [N]
 * better-sqlite3 runs every statement synchronously on the event loop, so this is time the API could not answer in.
 * Runs the service in this process (the test app, role all) and times each statement's execution around
 * better-sqlite3's own calls.
 */
import Database from 'better-sqlite3';
import request from 'supertest';
import { vpcWebYaml } from '../test/fixtures/applications';
import { startTestApp } from '../test/support/test-app';

const N = Number(process.argv[2] ?? 2000);
const probe = new Database(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
const times = new Map<string, { n: number; total: number; max: number; over5: number }>();
for (const method of ['all', 'run', 'get', 'iterate']) {
  const original = Statement[method];
  Statement[method] = function (this: { source: string }, ...args: unknown[]) {
    const t = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const key = this.source.replace(/\s+/g, ' ').slice(0, 150);
      const e = times.get(key) ?? { n: 0, total: 0, max: 0, over5: 0 };
      e.n++;
      e.total += ms;
      e.max = Math.max(e.max, ms);
      if (ms > 5) e.over5++;
      times.set(key, e);
    }
  };
}
async function main() {
  const t = await startTestApp('sqlite', { config: { role: 'all', workerConcurrency: 16, refreshIntervalMs: 0 } });
  await request(t.server)
    .put('/v1/environments/scale')
    .send({ provider: { kind: 'local', settings: {} }, runtime: { kind: 'local', settings: {} } })
    .expect(201);
  times.clear();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < N) {
        const i = next++;
        await request(t.server)
          .put(`/v1/environments/scale/applications/app-${i}`)
          .set('Content-Type', 'application/yaml')
          .send(vpcWebYaml(`app-${i}`))
          .expect(201);
      }
    }),
  );
  for (;;) {
    const r = await request(t.server).get('/v1/environments/scale/applications?limit=1&phase=Ready');
    if (r.body.total >= N) break;
    await new Promise((d) => setTimeout(d, 500));
  }
  const rows = [...times].sort((a, b) => b[1].total - a[1].total).slice(0, 25);
  let all = 0;
  for (const [, e] of times) all += e.total;
  console.log(`SQLite statement time while ${N} apps were put and provisioned: ${(all / 1000).toFixed(1)} s`);
  for (const [k, e] of rows)
    console.log(
      `${(e.total / 1000).toFixed(2).padStart(6)} s ${String(e.n).padStart(7)}x avg ${(e.total / e.n).toFixed(3)} max ${e.max.toFixed(1)} >5ms ${e.over5}  ${k}`,
    );
  await t.close();
}
void main();
