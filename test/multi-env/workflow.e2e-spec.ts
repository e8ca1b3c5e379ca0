import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, putTestEnvironment } from '../lifecycle/support/lifecycle-harness';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { ApplicationRepository } from '@berth/persistence';
import { runCliIn } from '../cli/support/in-process-cli';
import { BACKENDS, type TestApp } from '../support/test-app';
import { ENVIRONMENTS, startMultiEnvApp } from './support/multi-env-app';
import {
  stepPhaseIs,
  waitForWorkflow,
  waitForWorkflowAnswer,
  workflowPhaseIn,
  type WorkflowGoal,
} from './support/workflow-wait';

warnSkippedWithoutPostgres('multi-environment workflow');

/** A vpc + webservice delivered dev → staging → prod, prod only after an approval (auto: false). */
const SHOP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: net
      type: vpc
    - name: web
      type: webservice
      properties:
        image: shop:1
      traits:
        - type: service-binding
          properties:
            envMappings:
              VPC_ID: { secret: net }
  policies:
    - { name: dev, type: topology, properties: { clusters: [dev] } }
    - { name: staging, type: topology, properties: { clusters: [staging] } }
    - { name: prod, type: topology, properties: { clusterLabelSelector: { tier: prod } } }
  workflow:
    steps:
      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }
      - { name: deploy-staging, type: deploy, properties: { policies: [staging] } }
      - { name: deploy-prod, type: deploy, properties: { policies: [prod], auto: false } }
`;

type Step = {
  name: string;
  phase: string;
  reason?: string;
  attempts: number;
  targets?: Record<string, { phase: string }>;
};
type Workflow = { phase: string; revision: string; steps: Step[] };

describe.each(BACKENDS)('spec.workflow run by the broker on $name', ({ name: backend, skip }) => {
  let t: TestApp;
  const app = (env: string) => `/v1/environments/${env}/applications/shop`;
  const put = (yaml: string) => request(t.server).put(app('local')).set('Content-Type', 'application/yaml').send(yaml);
  const action = (what: string) => request(t.server).post(`${app('local')}:${what}`);

  /** Polls the home's GET until the workflow meets `goal` (a long ceiling: the machine is shared). */
  const waitFor = (goal: WorkflowGoal<Workflow>) => waitForWorkflow(() => t.server, app('local'), goal);
  const step = (w: Workflow, name: string) => w.steps.find((s) => s.name === name)!;

  const berth = (args: string[]) => runCliIn(t.server, args);

  beforeAll(async () => {
    if (skip) return;
    t = await startMultiEnvApp(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(skip)('refuses bad workflows at PUT with paths into the document, and stores nothing', async () => {
    const cases: Array<[string, string]> = [
      [
        SHOP.replace('name: deploy-dev, type: deploy', 'name: deploy-dev, type: deploy-everything'),
        '/spec/workflow/steps/0/type',
      ],
      [SHOP.replace('policies: [staging]', 'policies: [qa]'), '/spec/workflow/steps/1/properties/policies/0'],
      // A notification channel Berth does not carry out: refused by name.
      [
        SHOP.replace(
          '{ name: deploy-dev, type: deploy, properties: { policies: [dev] } }',
          '{ name: deploy-dev, type: notification, properties: { email: { to: [ops@example.com] } } }',
        ),
        '/spec/workflow/steps/0/properties/email',
      ],
      [
        SHOP.replace('  workflow:\n', '  workflow:\n    mode: { steps: DAG }\n')
          .replace('name: deploy-dev, type: deploy,', 'name: deploy-dev, type: deploy, dependsOn: [deploy-staging],')
          .replace(
            'name: deploy-staging, type: deploy,',
            'name: deploy-staging, type: deploy, dependsOn: [deploy-dev],',
          ),
        '/spec/workflow/steps',
      ],
      [
        SHOP.replace('policies: [dev] }', 'policies: [dev], parallelism: 0 }'),
        '/spec/workflow/steps/0/properties/parallelism',
      ],
    ];
    for (const [yaml, path] of cases) {
      const problem = expectProblem(await put(yaml), 422);
      expect(
        problem.errors.some((e) => e.path.startsWith(path)),
        `${path} in ${JSON.stringify(problem.errors)}`,
      ).toBe(true);
    }
    for (const env of ['local', ...ENVIRONMENTS]) expectProblem(await request(t.server).get(app(env)), 404);
  });

  it.skipIf(skip)(
    'deploys dev, then staging, waits for :resume before prod, then delivers prod; :terminate stops a waiting run',
    { timeout: 600_000 },
    async () => {
      const created = await put(SHOP);
      expect(created.status, created.text).toBe(201);
      let workflow = await waitFor(stepPhaseIs('deploy-prod', 'suspending'));
      expect(workflow.phase).toBe('suspending');
      expect(step(workflow, 'deploy-prod').reason).toBe('WaitingForApproval');
      expect(step(workflow, 'deploy-dev')).toMatchObject({
        phase: 'succeeded',
        targets: { dev: { phase: 'succeeded' } },
      });
      expect(step(workflow, 'deploy-staging').phase).toBe('succeeded');
      for (const env of ['dev', 'staging']) {
        const delivery = await request(t.server).get(app(env)).expect(200);
        expect(delivery.body.status.phase, env).toBe('Ready');
        expect(delivery.body.metadata.deliveredFrom).toBe('local');
      }
      // Not approved yet: prod has no delivery at all.
      expectProblem(await request(t.server).get(app('prod')), 404);

      // `berth status` shows the steps and that prod waits; `berth resume` approves (the CLI against this server).
      const status = await berth(['status', 'shop', '--env', 'local']);
      expect(status.code, status.err).toBe(0);
      expect(status.out).toMatch(/^workflow {2}suspending/m);
      expect(status.out).toMatch(/^ {2}deploy-staging {2}deploy {2}succeeded {2}\[staging: succeeded\]$/m);
      expect(status.out).toMatch(
        /^ {2}deploy-prod {2}deploy {2}suspending \(WaitingForApproval\) {2}\[prod: pending\]$/m,
      );
      const resumed = await berth(['resume', 'shop', '--env', 'local']);
      expect(resumed.code, resumed.err).toBe(0);
      expect(resumed.out).toMatch(/^workflow {2}executing$/m);
      workflow = await waitFor(workflowPhaseIn('succeeded', 'failed'));
      expect(workflow.phase).toBe('succeeded');
      const prod = await request(t.server).get(app('prod')).expect(200);
      expect(prod.body.status.phase).toBe('Ready');
      const prodGeneration = prod.body.metadata.generation as number;
      // Nothing waits any more: a second :resume is a conflict, not a silent success.
      expectProblem(await action('resume'), 409);

      // Each step transition is an event of the home's operation.
      const home = await request(t.server).get(app('local')).expect(200);
      const messages = (await events(t.server, home.body.status.lastOperation.id)).map((e) => e.message);
      expect(messages).toEqual(
        expect.arrayContaining([
          'workflow: step deploy-prod waits for approval (:resume)',
          'workflow: step deploy-prod: prod succeeded',
          'workflow: workflow succeeded',
        ]),
      );

      // A newer revision restarts the workflow: dev and staging get shop:2, prod waits again; :terminate ends it.
      const updated = await put(SHOP.replace('image: shop:1', 'image: shop:2'));
      expect(updated.status, updated.text).toBe(200);
      const before = workflow.revision;
      await waitFor({
        waitingFor: `a run of a revision after ${before} with step deploy-prod suspending`,
        done: (w) => w.revision !== before && stepPhaseIs('deploy-prod', 'suspending').done(w),
      });
      const stopped = await berth(['terminate', 'shop', '--env', 'local', '-o', 'json']);
      expect(stopped.code, stopped.err).toBe(0);
      expect(JSON.parse(stopped.out).workflow.phase).toBe('terminated');
      const terminated = await action('terminate'); // terminating a terminated run again changes nothing
      expect(terminated.status, terminated.text).toBe(202);
      expect(terminated.body.workflow.phase).toBe('terminated');
      expect(terminated.body.workflow.steps.find((s: Step) => s.name === 'deploy-prod')).toMatchObject({
        phase: 'skipped',
        reason: 'Terminated',
      });
      expectProblem(await action('resume'), 409);
      workflow = await waitFor({ waitingFor: 'any workflow', done: () => true });
      expect(workflow.phase).toBe('terminated');
      // prod kept the revision it was approved for.
      const after = await request(t.server).get(app('prod')).expect(200);
      expect(after.body.metadata.generation).toBe(prodGeneration);
      const staging = await request(t.server).get(app('staging')).expect(200);
      expect(staging.body.metadata.generation).toBe(2);
    },
  );

  it.skipIf(skip)(
    'a step whose delivery fails fails the workflow; :retry runs it again once the cause is gone',
    { timeout: 600_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-workflow-inventory-'));
      const inventoryPath = join(dir, 'inventory.json');
      try {
        await putTestEnvironment(t.server, 'qa', inventoryPath, {
          components: { net: { failPermanently: 'no vpc quota left in qa' } },
        });
        const cart = SHOP.replace('name: shop', 'name: cart')
          .replace(
            '{ name: staging, type: topology, properties: { clusters: [staging] } }',
            '{ name: qa, type: topology, properties: { clusters: [qa] } }',
          )
          .replace('policies: [staging]', 'policies: [qa]')
          .replace('policies: [prod], auto: false', 'policies: [prod]');
        const home = '/v1/environments/local/applications/cart';
        const created = await request(t.server).put(home).set('Content-Type', 'application/yaml').send(cart);
        expect(created.status, created.text).toBe(201);
        let workflow = await waitForWorkflow<Workflow>(() => t.server, home, workflowPhaseIn('failed', 'succeeded'));
        expect(workflow.phase).toBe('failed');
        expect(step(workflow, 'deploy-dev').phase).toBe('succeeded');
        expect(step(workflow, 'deploy-staging')).toMatchObject({ phase: 'failed', reason: 'Failed' });
        expect(JSON.stringify(step(workflow, 'deploy-staging'))).toContain('no vpc quota left in qa');
        expect(step(workflow, 'deploy-prod')).toMatchObject({ phase: 'skipped', reason: 'DependencyFailed' });
        expectProblem(await request(t.server).get('/v1/environments/prod/applications/cart'), 404);

        await putTestEnvironment(t.server, 'qa', inventoryPath); // the cause goes away
        const retried = await request(t.server).post(`${home}:retry`);
        expect(retried.status, retried.text).toBe(202);
        workflow = await waitForWorkflow<Workflow>(() => t.server, home, workflowPhaseIn('failed', 'succeeded'));
        expect(workflow.phase).toBe('succeeded');
        expect(step(workflow, 'deploy-staging').attempts).toBe(2);
        expect(step(workflow, 'deploy-dev').attempts).toBe(1); // succeeded before: not run again
        for (const env of ['qa', 'prod']) {
          const delivery = await request(t.server).get(`/v1/environments/${env}/applications/cart`).expect(200);
          expect(delivery.body.status.phase, env).toBe('Ready');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(skip)(
    'a suspend with a duration goes on by itself; a literal secret reaches the delivery, never the state or status',
    { timeout: 600_000 },
    async () => {
      const password = 'Lit3ral-workflow-pa55';
      const vault = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: vault
spec:
  components:
    - name: db
      type: rds
      properties:
        engine: postgresql
        password: ${password}
    - name: web
      type: webservice
      properties:
        image: vault:1
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_PASSWORD: { secret: db }
  policies:
    - { name: dev, type: topology, properties: { clusters: [dev] } }
  workflow:
    steps:
      - { name: settle, type: suspend, properties: { duration: 1s } }
      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }
`;
      const home = '/v1/environments/local/applications/vault';
      const created = await request(t.server).put(home).set('Content-Type', 'application/yaml').send(vault);
      expect(created.status, created.text).toBe(201);
      expect(created.text).not.toContain(password);
      const { workflow, answer } = await waitForWorkflowAnswer<Workflow>(
        () => t.server,
        home,
        workflowPhaseIn('succeeded', 'failed'),
      );
      expect(workflow.phase).toBe('succeeded');
      expect(step(workflow, 'settle')).toMatchObject({ phase: 'succeeded', attempts: 0 });
      expect(answer.text).not.toContain(password);
      const messages = (await events(t.server, answer.body.status.lastOperation.id)).map((e) => e.message);
      expect(messages).toContain('workflow: step settle suspended (WaitingForDuration)');
      expect(JSON.stringify(messages)).not.toContain(password);
      // Stored: the run holds the delivery redacted, its secret sealed beside it.
      const row = await t.app.get(ApplicationRepository).find('local', 'vault');
      expect(row?.workflow).toBeTruthy();
      expect(JSON.stringify(row!.workflow)).not.toContain(password);
      // Delivered: dev's workload gets the password as written.
      const env = await request(t.server)
        .get('/v1/environments/dev/applications/vault/components/web/env?reveal=true')
        .expect(200);
      const variables = env.body.variables as Array<{ name: string; value: string }>;
      expect(variables.find((v) => v.name === 'DB_PASSWORD')?.value).toBe(password);
    },
  );
});
