import { describe, expect, it } from 'vitest';
import { JsonJournal, ManualClock, plan, RecordingExecutor } from './testing/workflow.fixture';
import { WorkflowEngine } from './workflow-engine';
import { resumeWorkflow, retryWorkflow, terminateWorkflow, workflowStatus } from './workflow-operations';
import { startWorkflow, workflowForRevision } from './workflow-state';
import { WorkflowErrorCode } from './workflow.error';

/** dev → staging → approval → prod, the delivery. */
const pipeline = {
  steps: [
    { name: 'deploy-dev', type: 'deploy', properties: { policies: ['dev'] } },
    { name: 'deploy-staging', type: 'deploy', properties: { policies: ['staging', 'staging-image'] } },
    { name: 'deploy-prod', type: 'deploy', properties: { policies: ['prod', 'prod-size'], auto: false } },
  ],
};

function setup() {
  const executor = new RecordingExecutor();
  const journal = new JsonJournal();
  const clock = new ManualClock();
  const engine = new WorkflowEngine({ executor, journal, now: clock.now });
  return { executor, journal, clock, engine };
}

describe('WorkflowEngine', () => {
  it('deploys dev then staging, waits for approval, and deploys prod on :resume with each overridden spec', async () => {
    const { executor, engine } = setup();
    let state = await engine.advance(startWorkflow(plan(pipeline), 'rev-1', new Date()));
    expect(executor.calls).toEqual(['deploy-dev/dev', 'deploy-staging/staging']);
    expect(state.phase).toBe('suspending');
    expect(state.steps['deploy-prod']).toMatchObject({ phase: 'suspending', reason: 'WaitingForApproval' });
    const web = (env: string) =>
      executor.deployed.find((d) => d.environment === env)!.components.find((c) => c.name === 'web')!;
    expect(web('dev').properties?.image).toBe('shop:1.0');
    expect(web('staging').properties?.image).toBe('shop:1.1');

    state = await engine.advance(state);
    expect(executor.calls).toHaveLength(2);

    state = await engine.advance(resumeWorkflow(state));
    expect(executor.calls).toEqual(['deploy-dev/dev', 'deploy-staging/staging', 'deploy-prod/prod']);
    expect(web('prod').traits).toEqual([{ type: 'scaler', properties: { replicas: 3 } }]);
    expect(executor.deployed[2].components.find((c) => c.name === 'db')?.properties?.storageGB).toBe(100);
    expect(state.phase).toBe('succeeded');
    expect(() => resumeWorkflow(state)).toThrow(expect.objectContaining({ code: WorkflowErrorCode.Finished }));
  });

  it('resumes at the step it was in after a crash, from the state as it was stored', async () => {
    const { executor, journal } = setup();
    executor.on('deploy-staging/staging', 'hang');
    const crash = new AbortController();
    const first = new WorkflowEngine({ executor, journal });
    const running = first.advance(startWorkflow(plan(pipeline), 'rev-1', new Date()), crash.signal);
    await waitFor(() => executor.calls.includes('deploy-staging/staging'));
    crash.abort(new Error('process killed'));
    await running;
    const stored = journal.last();
    expect(stored.steps['deploy-dev'].phase).toBe('succeeded');
    expect(stored.steps['deploy-staging']).toMatchObject({ phase: 'running', attempts: 1 });
    const savesAtCrash = journal.saved.length;

    // a new process: a new engine and executor, the state read back from JSON
    const restarted = new RecordingExecutor();
    const state = await new WorkflowEngine({ executor: restarted, journal }).advance(stored);
    expect(restarted.calls).toEqual(['deploy-staging/staging']);
    expect(state.steps['deploy-staging']).toMatchObject({ phase: 'succeeded', attempts: 2 });
    expect(state.steps['deploy-prod'].reason).toBe('WaitingForApproval');
    expect(journal.saved.length).toBeGreaterThan(savesAtCrash);
  });

  it('records a failed environment, skips what follows, and :retry deploys only what did not succeed', async () => {
    const { executor, engine } = setup();
    const twoEnvs = {
      steps: [
        { name: 'deploy-all', type: 'deploy', properties: { policies: ['everywhere'] } },
        { name: 'after', type: 'apply-component', properties: { component: 'web' } },
        {
          name: 'tell',
          type: 'notification',
          if: 'status["deploy-all"].failed',
          properties: {
            slack: { url: { value: 'https://hooks.example/T0/secret-path' }, message: { text: 'deploy failed' } },
          },
        },
      ],
    };
    const specs = [{ name: 'everywhere', type: 'topology', properties: { clusters: ['dev', 'staging'] } }];
    executor.on('deploy-all/staging', 'fail');
    let state = await engine.advance(startWorkflow(plan(twoEnvs, specs), 'rev-1', new Date()));
    expect(state.phase).toBe('failed');
    expect(state.steps['deploy-all']).toMatchObject({
      phase: 'failed',
      reason: 'Failed',
      message: 'staging: rds quota exceeded in staging',
    });
    expect(state.steps['deploy-all'].targets).toEqual({
      dev: { phase: 'succeeded' },
      staging: { phase: 'failed', message: 'rds quota exceeded in staging' },
    });
    expect(state.steps.after).toMatchObject({ phase: 'skipped', reason: 'DependencyFailed' });
    expect(state.steps.tell.phase).toBe('succeeded');
    expect(executor.notified[0].message).toEqual({ text: 'deploy failed' });

    expect(() => resumeWorkflow(state)).toThrow(expect.objectContaining({ code: WorkflowErrorCode.Finished }));
    state = await engine.advance(retryWorkflow(state));
    expect(executor.calls.filter((call) => call.startsWith('deploy-all'))).toEqual([
      'deploy-all/dev',
      'deploy-all/staging',
      'deploy-all/staging',
    ]);
    expect(state.steps.after.phase).toBe('succeeded');
    expect(state.phase).toBe('succeeded');
    expect(() => retryWorkflow(state)).toThrow(expect.objectContaining({ code: WorkflowErrorCode.NotRetryable }));
  });

  it('never puts a webhook URL in the step message, even when the executor quotes it', async () => {
    const { executor, engine } = setup();
    executor.on('tell', 'fail');
    const workflow = {
      steps: [
        { name: 'tell', type: 'webhook', properties: { url: { value: 'https://hooks.example/T0/secret-path' } } },
      ],
    };
    const state = await engine.advance(startWorkflow(plan(workflow), 'rev-1', new Date()));
    expect(state.steps.tell.message).toBe('POST *** answered 500');
    expect(JSON.stringify(workflowStatus(state))).not.toContain('secret-path');
  });

  it('suspends for a duration across advances and fails a step that runs past its timeout', async () => {
    const { executor, engine, clock } = setup();
    const workflow = {
      steps: [
        { name: 'soak', type: 'suspend', properties: { duration: '10m' } },
        { name: 'slow', type: 'apply-component', timeout: '50ms', properties: { component: 'web' } },
        {
          name: 'cleanup',
          type: 'notification',
          if: 'status.slow.timeout',
          properties: { lark: { url: { secretRef: { name: 'hooks', key: 'lark' } } } },
        },
      ],
    };
    executor.on('slow/dev', 'hang');
    let state = await engine.advance(startWorkflow(plan(workflow), 'rev-1', clock.now()));
    expect(state.steps.soak).toMatchObject({ phase: 'suspending', reason: 'WaitingForDuration' });
    expect(state.wakeAt).toBe('2026-12-01T10:10:00.000Z');
    clock.advance(9 * 60_000);
    state = await engine.advance(state);
    expect(state.steps.soak.phase).toBe('suspending');
    clock.advance(60_000);
    state = await engine.advance(state);
    expect(state.steps.soak.phase).toBe('succeeded');
    expect(state.steps.slow).toMatchObject({
      phase: 'failed',
      reason: 'Timeout',
      message: 'ran past its timeout of 50ms',
    });
    expect(state.steps.cleanup.phase).toBe('succeeded');
    expect(executor.notified[0].url).toEqual({ secretRef: { name: 'hooks', key: 'lark' } });
  });

  it('runs DAG steps and step-group subSteps in parallel as dependsOn allows, deploys with its parallelism', async () => {
    const { executor, engine } = setup();
    let release!: () => void;
    executor.holdDeploys(new Promise<void>((resolve) => (release = resolve)));
    const workflow = {
      mode: { steps: 'DAG' },
      steps: [
        { name: 'everywhere', type: 'deploy', properties: { policies: ['all'], parallelism: 2 } },
        {
          name: 'checks',
          type: 'step-group',
          dependsOn: ['everywhere'],
          subSteps: [
            { name: 'web', type: 'apply-component', properties: { component: 'web', cluster: 'prod' } },
            { name: 'files', type: 'apply-component', properties: { component: 'files', cluster: 'prod' } },
            { name: 'last', type: 'apply-component', dependsOn: ['web', 'files'], properties: { component: 'db' } },
          ],
        },
        { name: 'skipped', type: 'suspend', if: 'status.everywhere.phase != "succeeded"' },
      ],
    };
    const specs = [{ name: 'all', type: 'topology', properties: { clusterLabelSelector: {} } }];
    const advancing = engine.advance(startWorkflow(plan(workflow, specs), 'rev-1', new Date()));
    await waitFor(() => executor.active === 2);
    expect(executor.calls).toHaveLength(2);
    release();
    const state = await advancing;
    expect(executor.maxActive).toBe(2);
    expect(executor.calls.slice(0, 3).sort()).toEqual(['everywhere/dev', 'everywhere/prod', 'everywhere/staging']);
    expect(executor.calls.slice(3, 5).sort()).toEqual(['files/prod', 'web/prod']);
    expect(executor.calls[5]).toBe('last/dev');
    expect(state.steps.skipped).toMatchObject({ phase: 'skipped', reason: 'ConditionNotMet' });
    expect(state.phase).toBe('succeeded');
  });

  it('terminates (running steps failed, the rest skipped), and a newer revision starts over', async () => {
    const { engine } = setup();
    let state = await engine.advance(startWorkflow(plan(pipeline), 'rev-1', new Date()));
    state = terminateWorkflow(state, new Date());
    expect(state.phase).toBe('terminated');
    expect(state.steps['deploy-prod']).toMatchObject({ phase: 'skipped', reason: 'Terminated' });
    expect(await engine.advance(state)).toBe(state);
    expect(workflowForRevision(state, plan(pipeline), 'rev-1', new Date())).toBe(state);
    const next = workflowForRevision(state, plan(pipeline), 'rev-2', new Date());
    expect(next).toMatchObject({ revision: 'rev-2', phase: 'executing' });
    expect(Object.values(next.steps).every((step) => step.phase === 'pending')).toBe(true);
  });

  it('refuses :resume when nothing waits and names an unknown step', async () => {
    const { engine } = setup();
    const state = await engine.advance(startWorkflow(plan(pipeline), 'rev-1', new Date()));
    expect(() => resumeWorkflow(state, 'deploy-dev')).toThrow(
      expect.objectContaining({ code: WorkflowErrorCode.NotSuspended }),
    );
    expect(() => resumeWorkflow(state, 'nope')).toThrow(
      expect.objectContaining({ code: WorkflowErrorCode.UnknownStep }),
    );
    expect(resumeWorkflow(state, 'deploy-prod').steps['deploy-prod'].resumed).toBe(true);
    expect(state.steps['deploy-prod'].resumed).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not reached');
}
