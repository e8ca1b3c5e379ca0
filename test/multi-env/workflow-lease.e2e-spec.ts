import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecretKey } from '@berth/core';
import { startBrokerChild, type BrokerChild } from '../lifecycle/support/broker-child';
import {
  createTemporarySchema,
  TEST_POSTGRES_URL,
  urlWithSearchPath,
  warnSkippedWithoutPostgres,
} from '../support/postgres-schema';
import { TestInventory } from '../support/test-provider';
import { stagedShop, TARGETS } from './support/crashing-environments';
import { stepPhaseIs, waitForWorkflow, workflowPhaseIn, type WorkflowGoal } from './support/workflow-wait';

warnSkippedWithoutPostgres('workflow lease e2e');

type Step = { name: string; phase: string; reason?: string; attempts: number };
type Workflow = { phase: string; steps: Step[] };
type Event = { message: string; fields?: { broker?: string } };

/**
 * Two broker processes (both with the worker role) on one PostgreSQL database advance one workflow run: only the
 * broker holding the run's lease advances it, so every step runs once and every transition is one event; a lease
 * outlives a step that waits longer than it (heartbeats); a broker SIGKILLed while it holds the run leaves it to the
 * other, which takes it over once the lease expired and carries on at the step it was in.
 */
describe.skipIf(!TEST_POSTGRES_URL)('workflow runs under two brokers on one PostgreSQL', () => {
  const brokers: BrokerChild[] = [];
  const dirs: string[] = [];
  let drop: (() => Promise<void>) | undefined;
  let common: Record<string, string>;
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'berth-workflow-lease-'));
    dirs.push(d);
    return d;
  };
  const inventoryPath = join(dir(), 'inventory.json');
  const inventory = new TestInventory(inventoryPath);

  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.kill()));
    await drop?.();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const alive = () => brokers.filter((b) => b.child.exitCode === null && b.child.signalCode === null);
  const home = (name: string) => `/v1/environments/hub/applications/${name}`;

  /** Polls a live broker (whichever is alive at each poll) until the workflow of `name` meets `goal`. */
  const waitFor = (name: string, goal: WorkflowGoal<Workflow>) =>
    waitForWorkflow(() => alive()[0]!.url, home(name), goal, { acrossRestarts: true });
  const step = (w: Workflow, name: string) => w.steps.find((s) => s.name === name)!;

  async function homeEvents(name: string): Promise<Event[]> {
    const base = alive()[0]!.url;
    const app = await request(base).get(home(name)).expect(200);
    return (await request(base).get(`/v1/operations/${app.body.status.lastOperation.id}/events`).expect(200)).body
      .items;
  }
  const claims = (events: Event[]) => events.filter((e) => e.message.startsWith('workflow: claimed by broker'));

  async function put(base: string, name: string) {
    const answer = await request(base).put(home(name)).set('Content-Type', 'application/yaml').send(stagedShop(name));
    expect(answer.status, answer.text).toBe(201);
  }

  it('starts two brokers on one database and the environments', { timeout: 300_000 }, async () => {
    const schema = await createTemporarySchema(TEST_POSTGRES_URL!, 'berth_workflow_lease');
    drop = schema.drop;
    common = {
      DATABASE_URL: urlWithSearchPath(TEST_POSTGRES_URL!, schema.schema),
      BERTH_MIGRATE_ON_BOOT: 'true',
      BERTH_SECRET_KEY: generateSecretKey().toString('base64'),
      BERTH_HOST: '127.0.0.1',
      BERTH_LEASE_SECONDS: '4',
      BERTH_REFRESH_INTERVAL: '0',
    };
    // One after the other: the first migrates the database.
    brokers.push(await startBrokerChild({ ...common, BERTH_DATA_DIR: dir(), BERTH_ROLE: 'all' }));
    brokers.push(await startBrokerChild({ ...common, BERTH_DATA_DIR: dir(), BERTH_ROLE: 'all' }));
    for (const name of ['hub', ...TARGETS]) {
      // Staging's apply takes longer than a lease (4 s): each of its components takes 6 s.
      const delayMs = name === 'staging' ? 6000 : 50;
      const answer = await request(brokers[0]!.url)
        .put(`/v1/environments/${name}`)
        .send({
          provider: { kind: 'test', settings: { inventoryPath, components: { '*': { delayMs } } } },
          runtime: { kind: 'local', settings: {} },
        });
      expect(answer.status, answer.text).toBeLessThan(300);
    }
  });

  it(
    'advances a run in one broker at a time: each step once, each transition one event',
    { timeout: 300_000 },
    async () => {
      const [a, b] = brokers.map((x) => x.url);
      await put(a!, 'shop');
      let workflow = await waitFor('shop', stepPhaseIs('deploy-prod', 'suspending'));
      expect(step(workflow, 'deploy-dev')).toMatchObject({ phase: 'succeeded', attempts: 1 });
      // The staging deploy waited longer than a lease: the heartbeat kept it, nobody took it over.
      expect(step(workflow, 'deploy-staging')).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(step(workflow, 'deploy-prod').reason).toBe('WaitingForApproval');

      // The approval through the other broker: whichever claims the run next delivers prod, once.
      await request(b!)
        .post(`${home('shop')}:resume`)
        .expect(202);
      workflow = await waitFor('shop', workflowPhaseIn('succeeded'));
      expect(workflow.steps.map((s) => s.attempts)).toEqual([1, 1, 1]);

      const events = await homeEvents('shop');
      const messages = events.map((e) => e.message);
      for (const transition of [
        'workflow: step deploy-dev succeeded',
        'workflow: step deploy-staging succeeded',
        'workflow: step deploy-prod waits for approval (:resume)',
        'workflow: step deploy-prod: prod succeeded',
        'workflow: workflow succeeded',
      ]) {
        expect(
          messages.filter((m) => m === transition),
          transition,
        ).toHaveLength(1);
      }
      // One claim before the approval, one after it (a claim is taken when the run is due, and held until it waits).
      expect(claims(events)).toHaveLength(2);
      const resources = await inventory.resources();
      for (const target of TARGETS) {
        expect(resources.filter((r) => r.environment === target && r.application === 'shop')).toHaveLength(2);
      }
    },
  );

  it(
    'a broker SIGKILLed while it holds a run leaves it to the other after the lease',
    { timeout: 300_000 },
    async () => {
      await put(brokers[0]!.url, 'cart');
      await waitFor('cart', stepPhaseIs('deploy-staging', 'running'));
      const holder = claims(await homeEvents('cart')).at(-1)!.fields!.broker!;
      const victim = brokers.find((x) => holder.split('/')[1] === String(x.child.pid))!;
      expect(victim, `the claim names one of the brokers: ${holder}`).toBeDefined();
      await victim.kill();

      const workflow = await waitFor('cart', stepPhaseIs('deploy-prod', 'suspending'));
      // The survivor carried on at the staging deploy: dev was not deployed again.
      expect(step(workflow, 'deploy-dev')).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(step(workflow, 'deploy-staging')).toMatchObject({ phase: 'succeeded', attempts: 2 });
      const survivor = alive()[0]!;
      const last = claims(await homeEvents('cart')).at(-1)!.fields!.broker!;
      expect(last.split('/')[1]).toBe(String(survivor.child.pid));

      await request(survivor.url)
        .post(`${home('cart')}:resume`)
        .expect(202);
      await waitFor('cart', workflowPhaseIn('succeeded'));
      const resources = await inventory.resources();
      for (const target of TARGETS) {
        expect(resources.filter((r) => r.environment === target && r.application === 'cart')).toHaveLength(2);
      }
    },
  );
});
