import type { ComponentType } from '../model';
import type { TypeRegistry } from '../types';
import type { PlannedStep, StepAction } from './lifecycle-step';

const MINUTE = 60_000;

/** How long one attempt of a step may run before its signal is aborted and it counts as a (retryable) timeout. */
export interface StepTimeouts {
  defaultMs: number;
  byType: Partial<Record<ComponentType, number>>;
  byAction: Partial<Record<StepAction, number>>;
}

/**
 * The deadlines of steps that act on no type of their own, and the default of a type naming none. A type's own
 * deadline is its descriptor's `stepTimeoutMs` (see resolveStepTimeouts); a deployment may override either.
 */
export const DEFAULT_STEP_TIMEOUTS: StepTimeouts = {
  defaultMs: 10 * MINUTE,
  byType: {},
  byAction: { retain: 1 * MINUTE, 'remove-workloads': 10 * MINUTE, 'remove-secrets': 5 * MINUTE, finalize: 1 * MINUTE },
};

export function stepTimeoutMs(step: PlannedStep, timeouts: StepTimeouts): number {
  return (
    timeouts.byAction[step.action] ??
    (step.type !== undefined ? timeouts.byType[step.type] : undefined) ??
    timeouts.defaultMs
  );
}

/**
 * The step timeouts of a deployment: each type's from its descriptor in `types`, the defaults for the rest, with what
 * `overrides` names replaced.
 */
export function resolveStepTimeouts(overrides: Partial<StepTimeouts> = {}, types?: TypeRegistry): StepTimeouts {
  return {
    defaultMs: overrides.defaultMs ?? DEFAULT_STEP_TIMEOUTS.defaultMs,
    byType: { ...DEFAULT_STEP_TIMEOUTS.byType, ...types?.stepTimeouts(), ...overrides.byType },
    byAction: { ...DEFAULT_STEP_TIMEOUTS.byAction, ...overrides.byAction },
  };
}

/**
 * The longest deadline any step gets under these timeouts: work still going after it (a provider's lock, say) has
 * outlived every step that could own it.
 */
export function longestStepTimeoutMs(timeouts: StepTimeouts): number {
  const all = [timeouts.defaultMs, ...Object.values(timeouts.byType), ...Object.values(timeouts.byAction)];
  return Math.max(...all.filter((ms): ms is number => typeof ms === 'number'));
}

/** Exponential backoff between attempts of a step; only retryable ProviderErrors are retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  factor: 2,
};

/** The wait after failed attempt `attempt` (1-based): 1 s, 2 s, 4 s, 8 s, … capped at 60 s by default. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1));
}
