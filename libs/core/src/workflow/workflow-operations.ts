import { TERMINAL_STEP_PHASES, type WorkflowState, type WorkflowStepState } from './workflow-state';
import { WorkflowError, WorkflowErrorCode } from './workflow.error';

const WAITING = new Set(['WaitingForApproval', 'WaitingForResume', 'WaitingForDuration']);

function leafNames(state: WorkflowState): string[] {
  return state.plan.steps.flatMap((step) =>
    step.type === 'step-group' ? step.subSteps.map((sub) => sub.name) : [step.name],
  );
}

/**
 * `:resume`: every suspended step (or only `step`) goes on — a suspend step ends, a deploy waiting for approval
 * deploys at the next `advance`. Returns a new state; the input is not changed.
 */
export function resumeWorkflow(current: WorkflowState, step?: string): WorkflowState {
  if (current.phase === 'succeeded' || current.phase === 'failed' || current.phase === 'terminated') {
    throw new WorkflowError(
      WorkflowErrorCode.Finished,
      `the workflow has already ${current.phase === 'terminated' ? 'been terminated' : current.phase}`,
    );
  }
  const state = structuredClone(current);
  const names = leafNames(state);
  if (step !== undefined && !(step in state.steps)) {
    throw new WorkflowError(
      WorkflowErrorCode.UnknownStep,
      `the workflow has no step "${step}" (steps: ${names.join(', ')})`,
    );
  }
  const waiting = names.filter((name) => {
    const st = state.steps[name];
    return st.phase === 'suspending' && st.reason !== undefined && WAITING.has(st.reason) && !st.resumed;
  });
  const chosen = step === undefined ? waiting : waiting.filter((name) => name === step);
  if (chosen.length === 0) {
    throw new WorkflowError(
      WorkflowErrorCode.NotSuspended,
      step === undefined
        ? 'no step of the workflow is waiting for a resume'
        : `the step "${step}" is not waiting for a resume`,
    );
  }
  for (const name of chosen) state.steps[name].resumed = true;
  state.phase = 'executing';
  delete state.wakeAt;
  return state;
}

function resettable(st: WorkflowStepState): boolean {
  return st.phase === 'failed' || (st.phase === 'skipped' && st.reason !== 'ConditionNotMet');
}

function reset(st: WorkflowStepState): void {
  st.phase = 'pending';
  for (const key of ['reason', 'message', 'startedAt', 'finishedAt', 'resumeAt'] as const) delete st[key];
  if (st.targets) {
    for (const [environment, target] of Object.entries(st.targets)) {
      if (target.phase !== 'succeeded') st.targets[environment] = { phase: 'pending' };
    }
  }
}

/**
 * `:retry` of a failed or terminated run: failed steps, and the steps skipped because of them or cut off, start again
 * at the next `advance` (a deploy only to the environments that did not succeed); succeeded steps stay done.
 */
export function retryWorkflow(current: WorkflowState): WorkflowState {
  if (current.phase !== 'failed' && current.phase !== 'terminated') {
    throw new WorkflowError(
      WorkflowErrorCode.NotRetryable,
      `only a failed or terminated workflow can be retried; this one is ${current.phase}`,
    );
  }
  const state = structuredClone(current);
  for (const step of state.plan.steps) {
    const subs = step.type === 'step-group' ? step.subSteps.map((sub) => state.steps[sub.name]) : [];
    const again = subs.filter(resettable);
    again.forEach(reset);
    if (resettable(state.steps[step.name]) || again.length > 0) reset(state.steps[step.name]);
  }
  state.phase = 'executing';
  delete state.finishedAt;
  delete state.wakeAt;
  return state;
}

/**
 * `:terminate`: the run ends here — running steps are failed, waiting and pending ones skipped, all with reason
 * `Terminated`. The caller aborts any advance in progress first. A terminated run can be retried.
 */
export function terminateWorkflow(current: WorkflowState, now: Date): WorkflowState {
  if (current.phase === 'succeeded' || current.phase === 'failed') {
    throw new WorkflowError(WorkflowErrorCode.Finished, `the workflow has already ${current.phase}`);
  }
  const state = structuredClone(current);
  if (state.phase === 'terminated') return state;
  for (const st of Object.values(state.steps)) {
    if (TERMINAL_STEP_PHASES.has(st.phase)) continue;
    st.phase = st.phase === 'running' ? 'failed' : 'skipped';
    st.reason = 'Terminated';
    st.finishedAt = now.toISOString();
  }
  state.phase = 'terminated';
  state.finishedAt = now.toISOString();
  delete state.wakeAt;
  return state;
}

/** What status shows of a run: each step's phase, reason, message and targets — never its properties (URLs). */
export interface WorkflowStepStatus {
  name: string;
  type: string;
  phase: WorkflowStepState['phase'];
  reason?: string;
  message?: string;
  attempts: number;
  targets?: WorkflowStepState['targets'];
  subSteps?: WorkflowStepStatus[];
}

export function workflowStatus(state: WorkflowState): {
  phase: WorkflowState['phase'];
  revision: string;
  steps: WorkflowStepStatus[];
} {
  const describe = (name: string, type: string): WorkflowStepStatus => {
    const { phase, reason, message, attempts, targets } = state.steps[name];
    return {
      name,
      type,
      phase,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      attempts,
      ...(targets ? { targets: structuredClone(targets) } : {}),
    };
  };
  return {
    phase: state.phase,
    revision: state.revision,
    steps: state.plan.steps.map((step) =>
      step.type === 'step-group'
        ? { ...describe(step.name, step.type), subSteps: step.subSteps.map((sub) => describe(sub.name, sub.type)) }
        : describe(step.name, step.type),
    ),
  };
}
