import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { TestInventory, type ExitPoint } from '../support/test-provider';
import { startBrokerChild, type BrokerChild } from './support/broker-child';
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
  let broker: BrokerChild | undefined;
  let boots = 0;
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

  async function ensureBroker(): Promise<string> {
    if (!broker || broker.child.exitCode !== null || broker.child.signalCode !== null) {
      broker = await startBrokerChild(env);
      boots++;
    }
    return broker.url;
  }

  /** Follows the operation across crashes (restarting the service whenever it died) until it ends. */
  async function converge(id: string, timeoutMs = 90_000): Promise<{ state: string; attempts: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`operation ${id} did not converge`);
      const url = await ensureBroker();
      const answer = await request(url)
        .get(`/v1/operations/${id}`)
        .catch(() => undefined);
      if (answer?.status === 200 && ['Succeeded', 'Failed', 'Superseded'].includes(answer.body.state))
        return answer.body;
      await new Promise((r) => setTimeout(r, 50));
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
      let url = await ensureBroker();
      await putEnvironment(url, name, inventoryPath, applyCrash.kind === 'exit' ? applyCrash.point : undefined);
      const put = await request(url).put(appPath).set('Content-Type', 'application/yaml').send(yaml);
      expect(put.status, put.text).toBe(201);
      if (applyCrash.kind === 'kill') setTimeout(() => void broker?.kill(), applyCrash.afterMs);
      const applied = await converge(put.body.operation.id);
      crashes.push(`${name} apply ${JSON.stringify(applyCrash)} → ${applied.state} after ${applied.attempts} claim(s)`);
      expect(applied.state, crashes.at(-1)).toBe('Succeeded');
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

      const deleteCrash = pick(random, 'destroy');
      await putEnvironment(url, name, inventoryPath, deleteCrash.kind === 'exit' ? deleteCrash.point : undefined);
      const deleted = await request(url).delete(appPath).expect(202);
      if (deleteCrash.kind === 'kill') setTimeout(() => void broker?.kill(), deleteCrash.afterMs);
      const removed = await converge(deleted.body.operation.id);
      crashes.push(
        `${name} delete ${JSON.stringify(deleteCrash)} → ${removed.state} after ${removed.attempts} claim(s)`,
      );
      expect(removed.state, crashes.at(-1)).toBe('Succeeded');
      expect(await inventory.resources(), crashes.at(-1)).toEqual([]);
      url = await ensureBroker();
      await request(url).get(appPath).expect(404);
    }
    console.log(`crash test (seed ${SEED}): ${boots} boots\n  ${crashes.join('\n  ')}`);
    // At least most chosen points must really have crashed the service (a point never reached proves nothing).
    expect(boots).toBeGreaterThanOrEqual(Math.ceil(TRIALS * 2 * 0.6));
  }, 600_000);
});
