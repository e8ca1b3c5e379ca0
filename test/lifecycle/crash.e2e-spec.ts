import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { TestInventory, type ExitPoint } from '../support/test-provider';
import { startBrokerChild, type BrokerChild } from './support/broker-child';
import { describeError, operationReport } from './support/operation-report';
import { shopYaml } from './support/lifecycle-harness';

/** Small deterministic PRNG (mulberry32): a failing run prints its seed and can be replayed with CRASH_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRIALS = Number(process.env.CRASH_TRIALS ?? 10); // each trial crashes an apply and a delete: 2 crash points
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const CLOUD = ['db', 'lb', 'media', 'net'];

type Crash = { kind: 'exit'; point: ExitPoint } | { kind: 'kill'; afterMs: number };

describe('crash recovery: the service SIGKILLed at random points of an apply and a delete, restarted, converges', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
  /** Every service process started, oldest first: a failure prints the logs of the last ones. */
  const children: BrokerChild[] = [];
  let broker: BrokerChild | undefined;
  const env = {
    BERTH_DATA_DIR: dataDir,
    BERTH_HOST: '127.0.0.1',
    BERTH_LEASE_SECONDS: '1',
    BERTH_REFRESH_INTERVAL: '0',
  };

  afterAll(async () => {
    await broker?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const alive = (child: BrokerChild | undefined): boolean =>
    !!child && child.child.exitCode === null && child.child.signalCode === null;

  async function ensureBroker(): Promise<string> {
    if (!broker || !alive(broker)) {
      broker = await startBrokerChild(env);
      children.push(broker);
    }
    return broker.url;
  }

  /**
   * Follows the operation across crashes (restarting the service whenever it died) until it ends. A `kill` crash is
   * fired from here, `afterMs` after the operation was queued, unless the operation ended first; either way this
   * returns only once the kill (if any) is over, so no later request of the test meets a dying service.
   */
  async function converge(
    id: string,
    crash: Crash,
    queuedAt: number,
    timeoutMs = 180_000,
  ): Promise<{ state: string; attempts: number; killLanded?: boolean }> {
    let kill: Promise<unknown> | undefined;
    const timer =
      crash.kind === 'kill'
        ? setTimeout(() => (kill = broker?.kill()), Math.max(0, queuedAt + crash.afterMs - Date.now()))
        : undefined;
    const deadline = Date.now() + timeoutMs;
    let lastError = 'none';
    try {
      for (;;) {
        if (Date.now() > deadline)
          throw new Error(`operation ${id} did not end within ${timeoutMs} ms (last transport error: ${lastError})`);
        const url = await ensureBroker();
        // The service may be killed under this very request: a transport error here is expected, the loop restarts it.
        const answer = await request(url)
          .get(`/v1/operations/${id}`)
          .catch((error: unknown) => void (lastError = describeError(error)));
        if (answer?.status === 200 && ['Succeeded', 'Failed', 'Superseded'].includes(answer.body.state)) {
          clearTimeout(timer);
          const killLanded = kill !== undefined;
          await kill;
          return { ...answer.body, ...(crash.kind === 'kill' ? { killLanded } : {}) };
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      clearTimeout(timer);
      await kill;
    }
  }

  async function putEnvironment(url: string, name: string, inventoryPath: string, exitAt?: ExitPoint) {
    await request(url)
      .put(`/v1/environments/${name}`)
      .send({
        provider: {
          kind: 'test',
          settings: { inventoryPath, components: { '*': { delayMs: 20 } }, ...(exitAt ? { exitAt } : {}) },
        },
        runtime: { kind: 'local', settings: {} },
      })
      .expect((r) => expect(r.status, r.text).toBeLessThan(300));
  }

  function pick(random: () => number, action: 'apply' | 'destroy'): Crash {
    if (random() < 0.35) return { kind: 'kill', afterMs: Math.floor(random() * 120) };
    const component = ['*', ...CLOUD][Math.floor(random() * 5)]!;
    return {
      kind: 'exit',
      point: {
        component,
        when: random() < 0.5 ? 'before' : 'after',
        action,
        ...(component === '*' ? { nth: 1 + Math.floor(random() * 4) } : {}),
      },
    };
  }

  /** Why a trial failed: the operation's steps and events, and the end of the last service processes' logs. */
  async function explain(what: string, operationId: string | undefined): Promise<string> {
    const parts = [`while ${what}`];
    const status = alive(broker) ? 'running' : `ended (${broker?.child.signalCode ?? broker?.child.exitCode})`;
    parts.push(`current service process: ${status}, ${children.length} started so far`);
    if (operationId) {
      let url: string | undefined;
      try {
        url = await ensureBroker();
      } catch (error) {
        parts.push(`cannot restart the service to read operation ${operationId}: ${describeError(error)}`);
      }
      if (url) parts.push(await operationReport(url, operationId));
    }
    for (const [index, child] of children.entries()) {
      if (index < children.length - 2) continue;
      const end = child.child.signalCode ?? child.child.exitCode ?? 'running';
      parts.push(`--- log of service process ${index + 1} (${end}), last lines ---\n${child.logTail(60)}`);
    }
    return parts.join('\n');
  }

  it(`converges after every crash, with exactly one resource per component and nothing left after delete (${TRIALS} trials, seed ${SEED})`, async () => {
    const random = prng(SEED);
    const crashes: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const name = `crash-${trial}`;
      const inventoryPath = join(dataDir, `inventory-${trial}.json`);
      const inventory = new TestInventory(inventoryPath);
      const yaml = shopYaml()
        .replace('name: shop', `name: ${name}`)
        .replace('deletionPolicy: Retain', 'deletionPolicy: Delete');
      const appPath = `/v1/environments/${name}/applications/${name}`;
      const applyCrash = pick(random, 'apply');
      const deleteCrash = pick(random, 'destroy');
      let what = `${name}: setting up the apply ${JSON.stringify(applyCrash)}`;
      let operationId: string | undefined;
      try {
        let url = await ensureBroker();
        await putEnvironment(url, name, inventoryPath, applyCrash.kind === 'exit' ? applyCrash.point : undefined);
        const put = await request(url).put(appPath).set('Content-Type', 'application/yaml').send(yaml);
        const applyQueued = Date.now();
        expect(put.status, put.text).toBe(201);
        operationId = put.body.operation.id as string;
        what = `${name}: following the apply ${JSON.stringify(applyCrash)}`;
        const applied = await converge(operationId, applyCrash, applyQueued);
        crashes.push(`${name} apply ${JSON.stringify(applyCrash)} → ${summary(applied)}`);
        expect(applied.state, crashes.at(-1)).toBe('Succeeded');
        expectOneClaimPerCrash(applied, crashes.at(-1)!);
        what = `${name}: checking what the apply left`;
        const resources = await inventory.resources();
        expect(resources.map((r) => r.component).sort(), crashes.at(-1)).toEqual(CLOUD);
        url = await ensureBroker();
        const app = (await request(url).get(appPath).expect(200)).body;
        expect(app.status.phase).toBe('Ready');
        expect(app.status.components.map((c: { phase: string }) => c.phase)).toEqual([
          'Ready',
          'Ready',
          'Ready',
          'Ready',
          'Ready',
        ]);
        const env = (await request(url).get(`${appPath}/components/api/env`).expect(200)).body;
        expect(env.variables).toHaveLength(4);

        what = `${name}: setting up the delete ${JSON.stringify(deleteCrash)}`;
        await putEnvironment(url, name, inventoryPath, deleteCrash.kind === 'exit' ? deleteCrash.point : undefined);
        const deleted = await request(url).delete(appPath).expect(202);
        const deleteQueued = Date.now();
        operationId = deleted.body.operation.id as string;
        what = `${name}: following the delete ${JSON.stringify(deleteCrash)}`;
        const removed = await converge(operationId, deleteCrash, deleteQueued);
        crashes.push(`${name} delete ${JSON.stringify(deleteCrash)} → ${summary(removed)}`);
        expect(removed.state, crashes.at(-1)).toBe('Succeeded');
        expectOneClaimPerCrash(removed, crashes.at(-1)!);
        what = `${name}: checking what the delete left`;
        expect(await inventory.resources(), crashes.at(-1)).toEqual([]);
        url = await ensureBroker();
        await request(url).get(appPath).expect(404);
      } catch (error) {
        const report = await explain(what, operationId);
        throw new Error(
          `${describeError(error)}\n(seed ${SEED}, trial ${trial}; replay: CRASH_SEED=${SEED} CRASH_TRIALS=${trial + 1})\n${report}`,
          { cause: error },
        );
      }
    }
    console.log(`crash test (seed ${SEED}): ${children.length} boots\n  ${crashes.join('\n  ')}`);
    // At least most chosen points must really have crashed the service (a point never reached proves nothing).
    expect(children.length).toBeGreaterThanOrEqual(Math.ceil(TRIALS * 2 * 0.6));
  }, 900_000);
});

/**
 * One crash, so at most two claims: the first worker's and the restarted one's. A third means a worker took over an
 * operation while the one holding it was still running it.
 */
function expectOneClaimPerCrash(outcome: { attempts: number }, what: string): void {
  expect(outcome.attempts, `${what}: claimed again while its worker still ran it`).toBeLessThanOrEqual(2);
}

function summary(outcome: { state: string; attempts: number; killLanded?: boolean }): string {
  const kill = outcome.killLanded === false ? ' (ended before the kill)' : '';
  return `${outcome.state} after ${outcome.attempts} claim(s)${kill}`;
}
