import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  putApplication,
  putTestEnvironment,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from './support/lifecycle-harness';

const netApp = (name: string, index: number) => `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: ${name} }
spec:
  components:
    - { name: net, type: vpc, properties: { cidr: 10.${index}.0.0/16 } }
`;

interface RefreshRow {
  app: string;
  created: number;
  finished: number;
}

/** The largest number of refreshes queued or running at one moment, and whether one app ever had two at once. */
function peaks(rows: RefreshRow[]): { inFlight: number; perApp: number } {
  const at = (t: number, list: RefreshRow[]) => list.filter((r) => r.created <= t && t < r.finished).length;
  let inFlight = 0;
  let perApp = 0;
  for (const r of rows) {
    inFlight = Math.max(inFlight, at(r.created, rows));
    perApp = Math.max(
      perApp,
      at(
        r.created,
        rows.filter((o) => o.app === r.app),
      ),
    );
  }
  return { inFlight, perApp };
}

describe('paced refresh schedule', () => {
  let t: LifecycleApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('keeps refreshes under BERTH_REFRESH_CONCURRENCY, never queues an app twice, and reports a sweep that overruns its interval', async () => {
    t = await startLifecycleApp('sqlite', { refreshIntervalMs: 400, refreshConcurrency: 1 });
    // Every provider call takes 150 ms: five refreshes one at a time cannot fit in a 400 ms interval.
    await putTestEnvironment(t.server, 'dev', t.inventoryPath, { components: { '*': { delayMs: 150 } } });
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const [i, name] of names.entries()) {
      const put = await putApplication(t.server, 'dev', name, netApp(name, i));
      expect(put.status).toBeLessThan(300);
      expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
    }

    let readiness: { checks: Record<string, { status: string; detail?: string }> } | undefined;
    let metrics = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      metrics = (await request(t.server).get('/metrics').expect(200)).text;
      readiness = (await request(t.server).get('/readyz')).body;
      const refreshed: unknown[] = await t.dataSource.query(
        `SELECT DISTINCT application_name FROM operations WHERE kind = 'refresh' AND state = 'Succeeded'`,
      );
      if (
        refreshed.length === names.length &&
        /^berth_refresh_behind 1$/m.test(metrics) &&
        /^berth_refresh_sweep_seconds_count [1-9]/m.test(metrics)
      )
        break;
    }
    expect(metrics).toMatch(/^berth_refresh_behind 1$/m);
    expect(metrics).toMatch(/^berth_refresh_sweep_seconds_count [1-9]/m);
    expect(metrics).toMatch(/^berth_refresh_sweeps_skipped_total [1-9]/m);
    expect(readiness?.checks.refresh.detail).toMatch(
      /^behind: the last sweep of \d applications took \d+\.\d s, \d+\.\d s of CPU, more than the 0\.4 s interval$/,
    );

    const rows: Array<{ app: string; created: string; finished: string | null }> = await t.dataSource.query(
      `SELECT application_name AS app, created_at AS created, finished_at AS finished FROM operations WHERE kind = 'refresh'`,
    );
    const now = Date.now();
    const parsed = rows.map((r) => ({
      app: r.app,
      created: Date.parse(`${String(r.created).replace(' ', 'T')}Z`),
      finished: r.finished ? Date.parse(`${String(r.finished).replace(' ', 'T')}Z`) : now,
    }));
    expect(new Set(parsed.map((r) => r.app))).toEqual(new Set(names));
    expect(peaks(parsed)).toEqual({ inFlight: 1, perApp: 1 });
  });
});
