import type { WorkflowPlan } from './workflow-types';

export type StepPhase = 'pending' | 'running' | 'suspending' | 'succeeded' | 'failed' | 'skipped';
export type WorkflowPhase = 'executing' | 'suspending' | 'succeeded' | 'failed' | 'terminated';

/** Why a step is where it is; shown with its phase. */
export type StepReason =
  | 'WaitingForApproval'
  | 'WaitingForResume'
  | 'WaitingForDuration'
  | 'ConditionNotMet'
  | 'DependencyFailed'
  | 'Timeout'
  | 'Failed'
  | 'Terminated';

export interface TargetState {
  phase: 'pending' | 'running' | 'succeeded' | 'failed';
  message?: string;
}

export interface WorkflowStepState {
  phase: StepPhase;
  reason?: StepReason;
  /** The executor's message on failure (it scrubs secret values); never a webhook URL. */
  message?: string;
  /** ISO time of the first start in this run; a step's timeout counts from here, across crashes. */
  startedAt?: string;
  finishedAt?: string;
  /** How many times the step was started (a crash or `:retry` starts it again). */
  attempts: number;
  /** Set by `:resume` for a suspend step or a deploy waiting for approval. */
  resumed?: boolean;
  /** A suspend step with a duration resumes by itself at this ISO time. */
  resumeAt?: string;
  /** Deploy steps: each target environment's progress, so a crash or retry deploys only what is not done. */
  targets?: Record<string, TargetState>;
}

/**
 * A workflow run, the whole of it in one JSON-serializable object: the plan it runs (placements resolved when the
 * revision was planned) and each step's state. The broker stores it after every change (`WorkflowJournal.save`);
 * after a crash it loads it and calls `advance` again, which picks up at the step that was running.
 */
export interface WorkflowState {
  revision: string;
  phase: WorkflowPhase;
  plan: WorkflowPlan;
  steps: Record<string, WorkflowStepState>;
  startedAt: string;
  finishedAt?: string;
  /** When `advance` returned with a step waiting for a time (suspend duration, timeout): call it again then. */
  wakeAt?: string;
}

export const TERMINAL_STEP_PHASES: ReadonlySet<StepPhase> = new Set(['succeeded', 'failed', 'skipped']);

/** A fresh run of `plan` for `revision`: every step pending. */
export function startWorkflow(plan: WorkflowPlan, revision: string, now: Date): WorkflowState {
  const steps: Record<string, WorkflowStepState> = {};
  for (const step of plan.steps) {
    steps[step.name] = pendingStep(step.type === 'deploy' ? step.targets.map((t) => t.environment) : undefined);
    if (step.type === 'step-group') {
      for (const sub of step.subSteps) {
        steps[sub.name] = pendingStep(sub.type === 'deploy' ? sub.targets.map((t) => t.environment) : undefined);
      }
    }
  }
  return { revision, phase: 'executing', plan, steps, startedAt: now.toISOString() };
}

function pendingStep(targets: string[] | undefined): WorkflowStepState {
  return {
    phase: 'pending',
    attempts: 0,
    ...(targets ? { targets: Object.fromEntries(targets.map((t) => [t, { phase: 'pending' as const }])) } : {}),
  };
}

/**
 * The run to carry on with for `revision`: the current one when it is for that revision, else a fresh run — a newer
 * revision restarts the workflow (KubeVela's behaviour); the caller stops any advance of the old run first.
 */
export function workflowForRevision(
  current: WorkflowState | undefined,
  plan: WorkflowPlan,
  revision: string,
  now: Date,
): WorkflowState {
  return current && current.revision === revision ? current : startWorkflow(plan, revision, now);
}
