import type { ApplicationPhase, ComponentPhase, OperationKind, OperationState } from '../model';
import type { PlannedStep } from './lifecycle-step';
import type { ExecutionOutcome } from './operation-executor';

/**
 * How steps move a component's phase, so status says at every moment what is happening. `undefined`: the step does
 * not change the component's phase (e.g. a refresh, or an application-wide step).
 */
export function componentPhaseOnStart(step: PlannedStep): ComponentPhase | undefined {
  switch (step.action) {
    case 'provision':
    case 'deliver':
      return 'Provisioning';
    case 'destroy':
    case 'remove-workload':
      return 'Deleting';
    case 'retain':
    case 'refresh':
    case 'remove-workloads':
    case 'remove-secrets':
    case 'finalize':
    case 'rotate':
    case 'revoke':
      return undefined;
  }
}

export function componentPhaseOnSuccess(step: PlannedStep): ComponentPhase | undefined {
  switch (step.action) {
    case 'provision':
    case 'deliver':
      return 'Ready';
    case 'destroy':
    case 'remove-workload':
      return 'Deleted';
    case 'retain':
      return 'Retained';
    case 'refresh':
    case 'remove-workloads':
    case 'remove-secrets':
    case 'finalize':
    case 'rotate':
    case 'revoke':
      return undefined;
  }
}

/**
 * A failed step leaves its component Failed; a blocked one stays where it was (it never started). A failed refresh,
 * rotate or revoke leaves the resource as it was (still working with the credentials it had).
 */
export function componentPhaseOnFailure(step: PlannedStep): ComponentPhase | undefined {
  return step.component && step.action !== 'refresh' && step.action !== 'rotate' && step.action !== 'revoke'
    ? 'Failed'
    : undefined;
}

/** The application's phase while an operation of `kind` runs (`undefined`: unchanged, e.g. refresh, rotate). */
export function applicationPhaseDuring(kind: OperationKind): ApplicationPhase | undefined {
  return kind === 'apply' ? 'Provisioning' : kind === 'delete' ? 'Deleting' : undefined;
}

/** The application's phase once an operation ends; an interrupted one has not ended (another worker resumes it). */
export function applicationPhaseAfter(kind: OperationKind, outcome: ExecutionOutcome): ApplicationPhase | undefined {
  if (outcome === 'Interrupted' || kind === 'refresh' || kind === 'rotate') return undefined;
  if (kind === 'apply') return outcome === 'Succeeded' ? 'Ready' : 'Failed';
  return outcome === 'Succeeded' ? 'Deleted' : 'DeleteFailed';
}

/** The operation's state after an execution: an interrupted one stays Running until its lease is taken over. */
export function operationStateAfter(outcome: ExecutionOutcome): OperationState {
  return outcome === 'Interrupted' ? 'Running' : outcome;
}
