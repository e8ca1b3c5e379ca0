import request from 'supertest';
import { OperationRepository } from '@berth/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRunner } from '../../apps/broker/src/lifecycle/operation.runner';
import { OPERATION_RUNNER } from '../../apps/broker/src/lifecycle/worker.service';
import { vpcWebYaml } from '../fixtures/applications';
import { CountingLogger } from '../support/counting-logger';
import { TEST_POSTGRES_URL, warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * What one operation of a vpc + bound webservice application costs in PostgreSQL statements, from its claim to its
 * end (BEGIN and COMMIT counted): the claim (one statement: taken and read back), the context (environment, revision),
 * the application's resources read once with the plan (the steps read them from the operation's view, kept current
 * by its own writes), what the steps themselves write, and the end with the application's final status in its
 * statement (its phase while the operation runs goes with the journal's first write, here dropped for the final one). The step states, their events and the components' phases are written behind: together, within
 * BERTH_PROGRESS_WRITE_DELAY, or with the operation's end (here all with the end: the delay is set longer than the
 * test, so that a slow machine does not add writes). Was apply
 * 48, refresh 39 before steps and events shared statements; 34 and 26 before the operation's view of its resources;
 * 25 and 20 before the journal wrote behind (and a known component's phase at a step's start went with it); apply
 * 15 before a component met at a step's start had its row inserted with the step's first write of it; 13 and 12
 * before the application's status went with the operation's writes.
 */
const MAX_ROUND_TRIPS = { apply: 11, refresh: 11 };

describe.skipIf(!TEST_POSTGRES_URL)('an operation costs a bounded number of PostgreSQL round trips', () => {
  let t: TestApp;
  let operations: OperationRepository;
  let runner: OperationRunner;
  const counter = new CountingLogger();

  beforeAll(async () => {
    // API role: nothing polls the queue, so the test claims and runs the operation itself and every statement
    // counted is that operation's. The lease is long enough that no heartbeat falls inside the run.
    // The progress delay is longer than the test: every step state goes with the end, however slow the machine.
    t = await startTestApp('postgres', {
      config: { role: 'api', leaseSeconds: 600, refreshIntervalMs: 0, progressWriteDelayMs: 600_000 },
    });
    operations = t.app.get(OperationRepository);
    runner = t.app.get<OperationRunner>(OPERATION_RUNNER);
    counter.attach(t.dataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Claims the one queued operation and runs it to its end; the statements it took and its final state. */
  async function runQueued(): Promise<{ trips: number; statements: string[]; state?: string; kind?: string }> {
    let claimedId = '';
    const statements = await counter.during(async () => {
      const claimed = await operations.claim('round-trips/1', 600_000);
      if (!claimed) throw new Error('nothing queued');
      claimedId = claimed.id;
      await runner.run(claimed, new AbortController().signal);
    });
    const operation = await operations.find(claimedId);
    return { trips: statements.length, statements, state: operation?.state, kind: operation?.kind };
  }

  it('applies and refreshes a vpc and a bound webservice within the bound', async () => {
    const put = await request(t.server)
      .put('/v1/environments/local/applications/counted')
      .set('Content-Type', 'application/yaml')
      .send(vpcWebYaml('counted'));
    expect(put.status, put.text).toBe(201);
    const apply = await runQueued();

    await request(t.server).post('/v1/environments/local/applications/counted:refresh').expect(202);
    const refresh = await runQueued();

    console.log(`operation round trips on PostgreSQL: apply ${apply.trips}, refresh ${refresh.trips}`);
    if (process.env.BERTH_SHOW_STATEMENTS)
      console.log([apply, refresh].map((o) => o.statements.join('\n')).join('\n---\n'));
    expect([apply.kind, apply.state]).toEqual(['apply', 'Succeeded']);
    expect([refresh.kind, refresh.state]).toEqual(['refresh', 'Succeeded']);
    const app = await request(t.server).get('/v1/environments/local/applications/counted').expect(200);
    expect(app.body.status.phase).toBe('Ready');
    expect(apply.trips, apply.statements.join('\n')).toBeLessThanOrEqual(MAX_ROUND_TRIPS.apply);
    expect(refresh.trips, refresh.statements.join('\n')).toBeLessThanOrEqual(MAX_ROUND_TRIPS.refresh);
  });
});

if (!TEST_POSTGRES_URL) warnSkippedWithoutPostgres('operation round trips');
