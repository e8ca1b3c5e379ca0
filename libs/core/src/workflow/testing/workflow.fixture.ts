import type { LogLevel } from '../../ports';
import type { PolicySpec } from '../../model';
import { readPolicies, type EnvironmentRef, type PolicyContext, type RawComponent } from '../../policies';
import { planWorkflow } from '../plan-workflow';
import { readWorkflow } from '../read-workflow';
import type { WorkflowState } from '../workflow-state';
import {
  WorkflowJournal,
  WorkflowStepExecutor,
  type ApplyComponentRequest,
  type DeployRequest,
  type NotificationRequest,
} from '../workflow-ports';
import type { WorkflowPlan } from '../workflow-types';

export const environments: EnvironmentRef[] = [
  { name: 'dev', labels: { tier: 'dev' } },
  { name: 'staging', labels: { tier: 'staging' } },
  { name: 'prod', labels: { tier: 'prod' } },
];

export const components: RawComponent[] = [
  { name: 'net', type: 'vpc', properties: { cidr: '10.0.0.0/16' } },
  { name: 'db', type: 'rds', properties: { engine: 'mysql', storageGB: 20, network: 'net' } },
  { name: 'files', type: 'oss', properties: {} },
  {
    name: 'web',
    type: 'webservice',
    properties: { image: 'shop:1.0' },
    traits: [{ type: 'scaler', properties: { replicas: 1 } }],
  },
];

export const policies: PolicySpec[] = [
  { name: 'dev', type: 'topology', properties: { clusters: ['dev'] } },
  { name: 'staging', type: 'topology', properties: { clusters: ['staging'] } },
  { name: 'prod', type: 'topology', properties: { clusterLabelSelector: { tier: 'prod' } } },
  {
    name: 'staging-image',
    type: 'override',
    properties: { components: [{ name: 'web', properties: { image: 'shop:1.1' } }] },
  },
  {
    name: 'prod-size',
    type: 'override',
    properties: {
      components: [
        { name: 'db', properties: { storageGB: 100 } },
        { name: 'web', traits: [{ type: 'scaler', properties: { replicas: 3 } }] },
      ],
    },
  },
];

export function policyContext(specs: PolicySpec[] = policies, home = 'dev'): PolicyContext {
  const read = readPolicies(specs);
  if (read.problems.length > 0) throw new Error(JSON.stringify(read.problems));
  return { components, policies: read.policies, environments, home };
}

/** Plans a workflow written as the Application's `spec.workflow`; throws on any problem. */
export function plan(workflow: unknown, specs: PolicySpec[] = policies): WorkflowPlan {
  const read = readWorkflow(workflow);
  const planned = planWorkflow(policyContext(specs), read.workflow);
  const problems = [...read.problems, ...planned.problems];
  if (problems.length > 0 || !planned.plan) throw new Error(JSON.stringify(problems));
  return planned.plan;
}

type Behaviour = 'ok' | 'fail' | 'hang';

/** An executor that records each call and does what each (step, environment) was told to: succeed, fail or hang. */
export class RecordingExecutor extends WorkflowStepExecutor {
  readonly calls: string[] = [];
  readonly deployed: DeployRequest[] = [];
  readonly notified: NotificationRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour[]>();
  private gate: Promise<void> | undefined;
  active = 0;
  maxActive = 0;

  /** The next calls for `key` (`step/environment`, `step`) behave so, one entry per call; then `ok`. */
  on(key: string, ...behaviours: Behaviour[]): this {
    this.behaviours.set(key, behaviours);
    return this;
  }

  /** Deploys wait on this promise (to see how many run at once). */
  holdDeploys(gate: Promise<void>): void {
    this.gate = gate;
  }

  private async run(key: string, signal: AbortSignal, message: string): Promise<void> {
    this.calls.push(key);
    const behaviour = this.behaviours.get(key)?.shift() ?? 'ok';
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.gate) await this.gate;
      if (behaviour === 'fail') throw new Error(message);
      if (behaviour === 'hang') {
        await new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      }
    } finally {
      this.active -= 1;
    }
  }

  async deploy(request: DeployRequest): Promise<void> {
    this.deployed.push(request);
    await this.run(
      `${request.step}/${request.environment}`,
      request.signal,
      `rds quota exceeded in ${request.environment}`,
    );
  }

  async applyComponent(request: ApplyComponentRequest): Promise<void> {
    await this.run(`${request.step}/${request.environment}`, request.signal, 'apply failed');
  }

  async notify(request: NotificationRequest): Promise<void> {
    this.notified.push(request);
    const url = 'value' in request.url ? request.url.value : 'from-secret';
    await this.run(request.step, request.signal, `POST ${url} answered 500`);
  }
}

/** Keeps every saved state as JSON, as a database row would. */
export class JsonJournal extends WorkflowJournal {
  readonly saved: string[] = [];
  readonly events: string[] = [];

  save(state: WorkflowState): void {
    this.saved.push(JSON.stringify(state));
  }

  event(_level: LogLevel, message: string): void {
    this.events.push(message);
  }

  /** The state as it was last stored, as a new process would load it. */
  last(): WorkflowState {
    return JSON.parse(this.saved[this.saved.length - 1]) as WorkflowState;
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(private time = Date.parse('2026-12-01T10:00:00Z')) {}
  now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}
