import type { LogLevel } from '../ports';
import type { DeliveryPlan, RawComponent } from '../policies';
import type { JsonObject } from '../model';
import type { Awaitable } from '../lifecycle';
import type { WorkflowState } from './workflow-state';
import type { NotificationStep } from './workflow-types';

export interface DeployRequest extends DeliveryPlan {
  revision: string;
  step: string;
  /** Abort: the step timed out, or the advance was stopped (lease lost); stop and reject. */
  signal: AbortSignal;
}

export interface ApplyComponentRequest {
  revision: string;
  step: string;
  environment: string;
  namespace?: string;
  component: RawComponent;
  signal: AbortSignal;
}

export interface NotificationRequest {
  revision: string;
  step: string;
  channel: NotificationStep['channel'];
  /** Resolve a secretRef in the home environment; never log the URL or put it in an error. */
  url: NotificationStep['url'];
  message?: JsonObject;
  signal: AbortSignal;
}

/**
 * What carries a step out; the broker implements it (a deploy is an apply operation of one delivery). Each call
 * resolves when its work is done and rejects with an error whose message is safe to show (secrets scrubbed). Calls
 * must be idempotent: after a crash the step that was running is called again.
 */
export abstract class WorkflowStepExecutor {
  abstract deploy(request: DeployRequest): Promise<void>;
  abstract applyComponent(request: ApplyComponentRequest): Promise<void>;
  abstract notify(request: NotificationRequest): Promise<void>;
}

/**
 * Where a run's state is kept. `save` is called after every change with the whole state (serialize it: the engine
 * keeps mutating its own copy); a save that rejects stops the advance. `event` adds a line to the delivery's event log.
 */
export abstract class WorkflowJournal {
  abstract save(state: WorkflowState): Awaitable<void>;
  abstract event(level: LogLevel, message: string, fields: Record<string, unknown>): Awaitable<void>;
}
