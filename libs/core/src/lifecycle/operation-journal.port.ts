import type { ProviderErrorCode } from '../errors';
import type { LogLevel } from '../ports';
import type { PlannedStep } from './lifecycle-step';

export type Awaitable<T> = T | Promise<T>;

/** Non-secret facts a step hands back (ids, output names); stored with the step. */
export type StepResult = Record<string, unknown>;

export interface StepSuccess {
  result?: StepResult;
  attempts: number;
  durationMs: number;
}

export interface StepFailure {
  code: ProviderErrorCode;
  /** The provider's message, every known secret value scrubbed. */
  message: string;
  retryable: boolean;
  attempts: number;
  durationMs: number;
}

/**
 * Where the executor persists an operation's progress. The service implements it over the database (step rows and
 * the append-only event log); a call that throws or rejects stops the execution (the operation can no longer be
 * recorded, so it must not go on). After the executor's signal aborts (lease lost), it calls nothing more.
 *
 * The executor itself only emits events for retries; an implementation should also append an event for each
 * stepStarted/Succeeded/Failed/Blocked call (with `step.description`), so the event log tells the whole story.
 */
export interface OperationJournal {
  stepStarted(step: PlannedStep, attempt: number): Awaitable<void>;
  stepSucceeded(step: PlannedStep, success: StepSuccess): Awaitable<void>;
  /** Final: no attempt is left or the error is not retryable. */
  stepFailed(step: PlannedStep, failure: StepFailure): Awaitable<void>;
  /** The step will not run in this operation because `blockedBy` (a step it depends on, directly or not) failed. */
  stepBlocked(step: PlannedStep, blockedBy: string): Awaitable<void>;
  /** A line for the operation's event log. `fields.step` names the step it belongs to. Never secret values. */
  event(level: LogLevel, message: string, fields: Record<string, unknown>): Awaitable<void>;
}
