import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { TestInventory } from '../support/test-provider';
import { putCrashingEnvironments, stagedShop } from './support/crashing-environments';
import { restartingBroker } from './support/restarting-broker';
import { stepPhaseIs, waitForWorkflow, workflowPhaseIn, type WorkflowGoal } from './support/workflow-wait';

type Step = { name: string; phase: string; reason?: string; attempts: number };
type Workflow = { phase: string; steps: Step[] };

/**
 * The workflow's state is in the database: the service is SIGKILLed during the staging deploy (right after staging's
 * bucket was created), restarted, and the run carries on at that step — dev is not deployed again, staging ends
 * with one resource per component, prod still waits for its approval; after :resume prod is delivered.
 */
describe('spec.workflow: a crash during the staging deploy resumes there', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-workflow-crash-'));
  const inventoryPath = join(dataDir, 'inventory.json');
  const inventory = new TestInventory(inventoryPath);
  const broker = restartingBroker({
    BERTH_DATA_DIR: dataDir,
    BERTH_HOST: '127.0.0.1',
    BERTH_LEASE_SECONDS: '1',
    BERTH_REFRESH_INTERVAL: '0',
  });

  afterAll(async () => {
    await broker.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Polls the home across crashes (restarting the service when it died) until its workflow meets `goal`. */
  const waitFor = (goal: WorkflowGoal<Workflow>) =>
    waitForWorkflow(() => broker.url(), '/v1/environments/hub/applications/shop', goal, {
      intervalMs: 50,
      acrossRestarts: true,
    });
  const step = (w: Workflow, name: string) => w.steps.find((s) => s.name === name)!;

  it('carries on at the step it was in, and waits for the approval as before', { timeout: 600_000 }, async () => {
    const base = await broker.url();
    await putCrashingEnvironments(base, inventoryPath, 'files');
    const put = await request(base)
      .put('/v1/environments/hub/applications/shop')
      .set('Content-Type', 'application/yaml')
      .send(stagedShop());
    expect(put.status, put.text).toBe(201);

    let workflow = await waitFor(stepPhaseIs('deploy-prod', 'suspending'));
    // The service died during the staging deploy (the provider SIGKILLed it there) and was restarted.
    expect((await inventory.read()).exits.fired.length).toBe(1);
    expect(step(workflow, 'deploy-dev')).toMatchObject({ phase: 'succeeded', attempts: 1 });
    expect(step(workflow, 'deploy-staging')).toMatchObject({ phase: 'succeeded', attempts: 2 });
    expect(step(workflow, 'deploy-prod').reason).toBe('WaitingForApproval');
    const resources = await inventory.resources();
    for (const target of ['dev', 'staging']) {
      expect(
        resources
          .filter((r) => r.environment === target)
          .map((r) => r.component)
          .sort(),
        target,
      ).toEqual(['files', 'net']);
    }
    expect(resources.filter((r) => r.environment === 'prod')).toEqual([]);

    const resumed = await request(await broker.url()).post('/v1/environments/hub/applications/shop:resume');
    expect(resumed.status, resumed.text).toBe(202);
    workflow = await waitFor(workflowPhaseIn('succeeded', 'failed'));
    expect(workflow.phase).toBe('succeeded');
    const prod = await request(await broker.url())
      .get('/v1/environments/prod/applications/shop')
      .expect(200);
    expect(prod.body.status.phase).toBe('Ready');
  });
});
