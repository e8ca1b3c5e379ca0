/**
 * The workflow engine's own cost: `npx tsx bench/workflow.bench.ts`.
 * 1. Overhead per step: a StepByStep workflow of apply-component steps whose executor resolves at once, with a journal
 *    that serializes the whole state on every save (what storing it in a row costs). Target: ≤ 5 ms a step.
 * 2. One deploy to 10 environments (parallelism 10) whose deliveries take 40–130 ms: the step's wall time against
 *    the slowest single environment. Target: ≤ 1.1.
 */
import {
  readPolicies,
  readWorkflow,
  planWorkflow,
  startWorkflow,
  WorkflowEngine,
  WorkflowJournal,
  WorkflowStepExecutor,
  type DeployRequest,
  type EnvironmentRef,
  type RawComponent,
  type WorkflowState,
} from '@berth/core';

class SerializingJournal extends WorkflowJournal {
  bytes = 0;
  saves = 0;
  save(state: WorkflowState): void {
    this.bytes += JSON.stringify(state).length;
    this.saves += 1;
  }
  event(): void {}
}

class DelayExecutor extends WorkflowStepExecutor {
  constructor(private readonly delayMs: (environment: string) => number) {
    super();
  }
  async deploy(request: DeployRequest): Promise<void> {
    const ms = this.delayMs(request.environment);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
  async applyComponent(): Promise<void> {}
  async notify(): Promise<void> {}
}

const components: RawComponent[] = [
  { name: 'net', type: 'vpc', properties: { cidr: '10.0.0.0/16' } },
  { name: 'db', type: 'rds', properties: { engine: 'mysql', network: 'net' } },
  { name: 'web', type: 'webservice', properties: { image: 'shop:1.0' } },
];
const environments: EnvironmentRef[] = Array.from({ length: 10 }, (_, i) => ({
  name: `env-${i}`,
  labels: { fleet: 'all' },
}));

function planFor(workflow: unknown, policies: Parameters<typeof readPolicies>[0]) {
  const read = readPolicies(policies);
  const steps = readWorkflow(workflow);
  const planned = planWorkflow({ components, policies: read.policies, environments, home: 'env-0' }, steps.workflow);
  if (!planned.plan) throw new Error(JSON.stringify([...read.problems, ...steps.problems, ...planned.problems]));
  return planned.plan;
}

async function overheadPerStep(steps: number): Promise<void> {
  const workflow = {
    steps: Array.from({ length: steps }, (_, i) => ({
      name: `s${i}`,
      type: 'apply-component',
      properties: { component: components[i % components.length].name, cluster: environments[i % 10].name },
    })),
  };
  const plan = planFor(workflow, []);
  const journal = new SerializingJournal();
  const engine = new WorkflowEngine({ executor: new DelayExecutor(() => 0), journal });
  await engine.advance(startWorkflow(plan, 'warm-up', new Date()));
  const started = process.hrtime.bigint();
  const state = await engine.advance(startWorkflow(plan, 'rev', new Date()));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (state.phase !== 'succeeded') throw new Error(`workflow ended ${state.phase}`);
  console.log(
    `engine overhead: ${steps} steps in ${ms.toFixed(1)} ms = ${(ms / steps).toFixed(3)} ms/step ` +
      `(${journal.saves} saves, ${(journal.bytes / journal.saves / 1024).toFixed(1)} KiB a state; target ≤ 5 ms/step)`,
  );
}

async function tenEnvironments(): Promise<void> {
  const delays = new Map(environments.map((env, i) => [env.name, 40 + i * 10]));
  const plan = planFor(
    { steps: [{ name: 'deploy-all', type: 'deploy', properties: { policies: ['fleet'], parallelism: 10 } }] },
    [{ name: 'fleet', type: 'topology', properties: { clusterLabelSelector: { fleet: 'all' } } }],
  );
  const slowest = Math.max(...delays.values());
  const warm = new WorkflowEngine({ executor: new DelayExecutor(() => 1), journal: new SerializingJournal() });
  await warm.advance(startWorkflow(plan, 'warm-up', new Date()));
  const engine = new WorkflowEngine({
    executor: new DelayExecutor((env) => delays.get(env)!),
    journal: new SerializingJournal(),
  });
  const started = process.hrtime.bigint();
  const state = await engine.advance(startWorkflow(plan, 'rev', new Date()));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (state.phase !== 'succeeded') throw new Error(`workflow ended ${state.phase}`);
  console.log(
    `10 environments, parallelism 10: workflow ${ms.toFixed(1)} ms, slowest environment ${slowest} ms, ratio ${(ms / slowest).toFixed(3)} (target ≤ 1.1)`,
  );
}

async function main(): Promise<void> {
  await overheadPerStep(50);
  await overheadPerStep(200);
  await tenEnvironments();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
