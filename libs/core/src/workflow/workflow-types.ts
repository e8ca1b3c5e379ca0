import type { JsonObject } from '../model';
import type { DeliveryPlan, PathSegment, RawComponent } from '../policies';

export type WorkflowMode = 'StepByStep' | 'DAG';

/** A value given in the Application or read from a Secret in the home environment when the step runs. */
export type ValueSource = { value: string } | { secretRef: { name: string; key: string } };

export const STEP_TYPES = [
  'deploy',
  'deploy2env',
  'apply-component',
  'suspend',
  'notification',
  'webhook',
  'step-group',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

interface StepBase {
  name: string;
  /** Steps that must be done (succeeded, failed or skipped) before this one starts. */
  dependsOn: string[];
  /** KubeVela's condition (`always`, `status.<step>.phase == "succeeded"`, …); absent: no earlier step failed. */
  if?: string;
  timeoutMs?: number;
  /** Where the step stands in the document (`spec/workflow/steps/2`), for error paths. */
  path: PathSegment[];
}

export interface DeployStep extends StepBase {
  type: 'deploy';
  /** Topology and override policies, in the order given (`deploy2env`: the env's `<policy>-<env>`). */
  policies: string[];
  /** How many environments are delivered at once (KubeVela's default: 5). */
  parallelism: number;
  /** false: the step waits for `:resume` (an approval) before it deploys. */
  auto: boolean;
}

export interface ApplyComponentStep extends StepBase {
  type: 'apply-component';
  component: string;
  /** KubeVela's `cluster`; absent: the home environment. */
  environment?: string;
  namespace?: string;
}

export interface SuspendStep extends StepBase {
  type: 'suspend';
  /** Resumes by itself after this long; absent: waits for `:resume`. */
  durationMs?: number;
}

/** Posts JSON to a webhook: KubeVela's `notification` (slack, dingding, lark) or `webhook` step. */
export interface NotificationStep extends StepBase {
  type: 'notification';
  channel: 'slack' | 'dingding' | 'lark' | 'webhook';
  /** Never logged, never in status or errors. */
  url: ValueSource;
  /** The JSON body; a `webhook` step without `data` posts the delivery summary. */
  message?: JsonObject;
}

export interface StepGroupStep extends StepBase {
  type: 'step-group';
  subSteps: LeafStep[];
}

export type LeafStep = DeployStep | ApplyComponentStep | SuspendStep | NotificationStep;
export type WorkflowStep = LeafStep | StepGroupStep;

export interface WorkflowSpec {
  mode: { steps: WorkflowMode; subSteps: WorkflowMode };
  steps: WorkflowStep[];
  /** true when the Application had no `spec.workflow` and the steps are KubeVela's default. */
  generated: boolean;
}

/** A deploy step with its deliveries resolved: each target environment and the overridden components it gets. */
export interface PlannedDeployStep extends DeployStep {
  targets: DeliveryPlan[];
}

export interface PlannedApplyComponentStep extends ApplyComponentStep {
  environment: string;
  resolved: RawComponent;
}

export type PlannedLeafStep = PlannedDeployStep | PlannedApplyComponentStep | SuspendStep | NotificationStep;
export interface PlannedStepGroup extends Omit<StepGroupStep, 'subSteps'> {
  subSteps: PlannedLeafStep[];
}
export type PlannedWorkflowStep = PlannedLeafStep | PlannedStepGroup;

/** What the engine runs: every placement resolved when the revision was planned, JSON-serializable. */
export interface WorkflowPlan {
  mode: WorkflowSpec['mode'];
  steps: PlannedWorkflowStep[];
}
