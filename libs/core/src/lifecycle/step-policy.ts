import type { ComponentType } from '../model';
import type { PlannedStep, StepAction } from './lifecycle-step';

const MINUTE = 60_000;

/** How long one attempt of a step may run before its signal is aborted and it counts as a (retryable) timeout. */
export interface StepTimeouts {
  defaultMs: number;
  byType: Partial<Record<ComponentType, number>>;
  byAction: Partial<Record<StepAction, number>>;
}

/**
 * RDS instances take 10–20 minutes to create on Alibaba Cloud and longer to change class, so RDS gets the longest
 * deadline; an OSS bucket is seconds. Configurable per deployment.
 */
export const DEFAULT_STEP_TIMEOUTS: StepTimeouts = {
  defaultMs: 10 * MINUTE,
  byType: {
    rds: 40 * MINUTE,
    slb: 15 * MINUTE,
    vpc: 10 * MINUTE,
    oss: 5 * MINUTE,
    webservice: 10 * MINUTE,
    worker: 10 * MINUTE,
    task: 30 * MINUTE,
  },
  byAction: { retain: 1 * MINUTE, 'remove-workloads': 10 * MINUTE, 'remove-secrets': 5 * MINUTE, finalize: 1 * MINUTE },
};

export function stepTimeoutMs(step: PlannedStep, timeouts: StepTimeouts): number {
  return timeouts.byAction[step.action] ?? (step.type && timeouts.byType[step.type]) ?? timeouts.defaultMs;
}

/** The step timeouts of a deployment: the defaults, with what `overrides` names replaced. */
export function resolveStepTimeouts(overrides: Partial<StepTimeouts> = {}): StepTimeouts {
  return {
    defaultMs: overrides.defaultMs ?? DEFAULT_STEP_TIMEOUTS.defaultMs,
    byType: { ...DEFAULT_STEP_TIMEOUTS.byType, ...overrides.byType },
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
