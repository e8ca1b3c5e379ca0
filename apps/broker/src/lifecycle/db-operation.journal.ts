import {
  componentPhaseOnFailure,
  componentPhaseOnStart,
  componentPhaseOnSuccess,
  formatDuration,
  type ComponentType,
  type Condition,
  type LogLevel,
  type OperationJournal,
  type PlannedStep,
  type StepFailure,
  type StepSuccess,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import type { DependentUpdate, NewEvent, OperationRepository, StepRecord } from '@berth/persistence';
import { LifecycleError, LifecycleErrorCode } from '../problems/lifecycle.error';
import type { OperationResources } from './operation-resources';

/** The component rows the journal writes: status changes (and a row made at a step's start) with the step state. */
export type JournalResources = Pick<OperationResources, 'defer' | 'takeDeferred'>;

export interface JournalTarget {
  operationId: string;
  leaseOwner: string;
  environmentName: string;
  applicationName: string;
}

export function condition(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message, lastTransitionTime: new Date().toISOString() };
}

/** A delivered workload's `notApplied` (what its runtime does not carry out) as a condition of the component. */
function notAppliedConditions(result: StepSuccess['result']): Condition[] {
  const notApplied = result?.notApplied;
  if (!Array.isArray(notApplied) || notApplied.length === 0) return [];
  return [
    condition(
      'NotApplied',
      'True',
      'RuntimeLimits',
      `not carried out by the ${String(result?.runtime ?? '')} runtime: ${notApplied.join(', ')}`,
    ),
  ];
}

/**
 * How long a step transition or an event may wait before it is written, so that those of a fast operation go to the
 * database together (with the operation's end when it comes sooner): a watcher sees them at most this much later.
 */
export const JOURNAL_WRITE_DELAY_MS = 200;

/**
 * The executor's journal over the database: step states in the operation row (every write conditioned on the lease:
 * a worker that lost it records nothing more and stops), one event per step transition, and the component's phase,
 * conditions and last error on its managed resource. Writes are serialized in call order.
 *
 * Step states, events and the components' status changes (phase, conditions, last error) are written behind, at
 * most `writeDelayMs` after the first of them that is not written yet, all in one statement, or handed to the
 * operation's last write (`unwritten`): never a step recorded without its component's phase. A row made at a step's
 * start is written with the step's first write of it, or before this journal's next write when that comes first. A
 * crash loses at most the record of steps done since the last write, and the resumed operation runs those again
 * (steps are idempotent). A write refused for want of the lease fails the next call.
 */
export class DbOperationJournal implements OperationJournal {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly pending: NewEvent[] = [];
  /** Updates of other rows (the application's status) to go with the next write. */
  private readonly alongside: DependentUpdate[] = [];
  private stepsChanged = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly target: JournalTarget,
    readonly steps: StepRecord[],
    private readonly operations: OperationRepository,
    private readonly resources: JournalResources,
    private readonly onStepDone?: (step: PlannedStep, outcome: 'succeeded' | 'failed', durationMs: number) => void,
    private readonly writeDelayMs = JOURNAL_WRITE_DELAY_MS,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const guarded = async () => {
      if (this.failure !== undefined) throw this.failure;
      return work();
    };
    const next = this.chain.then(guarded, guarded);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Queues `events` (and the step states when `steps`), written now when nothing may wait, else within the delay. */
  private async queue(events: readonly NewEvent[], steps: boolean): Promise<void> {
    const time = new Date();
    for (const event of events) this.pending.push({ time, ...event });
    this.stepsChanged ||= steps;
    if (this.writeDelayMs <= 0) return this.write();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.serial(() => this.write()).catch((error: unknown) => {
        this.failure ??= error;
      });
    }, this.writeDelayMs);
  }

  /** What is queued, taken out of the queue (and the timer stopped). */
  private async take(): Promise<{ events: NewEvent[]; components: DependentUpdate[]; steps: boolean }> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.pending.splice(0);
    const components = [...(await this.resources.takeDeferred()), ...this.alongside.splice(0)];
    const steps = this.stepsChanged || components.length > 0;
    this.stepsChanged = false;
    return { events, components, steps };
  }

  /** Writes what is queued: the step states with their events in one statement (fenced by the lease), or the events. */
  private async write(): Promise<void> {
    const { events, components, steps } = await this.take();
    if (steps) {
      const ok = await this.operations.saveSteps(
        this.target.operationId,
        this.target.leaseOwner,
        this.steps,
        new Date(),
        events,
        components,
      );
      if (!ok)
        throw new LifecycleError(
          LifecycleErrorCode.LeaseLost,
          `lost the lease on operation ${this.target.operationId}`,
        );
    } else if (events.length > 0) await this.operations.appendEvents(this.target.operationId, events);
  }

  /** The plan (the step states as they stand) with the operation's opening events. */
  planned(events: readonly NewEvent[]): Promise<void> {
    return this.serial(() => this.queue(events, true));
  }

  /** An update of another row (the application's status while the operation runs) to go with the next write. */
  withNextWrite(update: DependentUpdate): Promise<void> {
    return this.serial(() => {
      this.alongside.push(update);
      return this.queue([], false);
    });
  }

  /** Events of the operation that belong to no step. */
  note(events: readonly NewEvent[]): Promise<void> {
    return this.serial(() => this.queue(events, false));
  }

  /** Writes what is queued now (an operation stopped before its end, so the next claim skips the steps done). */
  flush(): Promise<void> {
    return this.serial(() => this.write());
  }

  /**
   * The events and component status changes not written yet, for the operation's last write to store with the step
   * states (it writes them all): the journal takes nothing more.
   */
  unwritten(): Promise<{ events: NewEvent[]; components: DependentUpdate[] }> {
    return this.serial(async () => {
      const { events, components } = await this.take();
      this.failure = new Error('the operation has ended: its journal takes nothing more');
      return { events, components };
    });
  }

  private record(id: string): StepRecord {
    const record = this.steps.find((s) => s.id === id);
    if (!record) throw new Error(`unknown step ${id}`);
    return record;
  }

  /** Queues the step states with the step's event. */
  private save(event: { level: LogLevel; message: string; step: PlannedStep; fields: Record<string, unknown> }) {
    return this.queue(
      [
        {
          level: event.level,
          message: event.message,
          step: event.step.id,
          component: event.step.component ?? null,
          fields: event.fields,
        },
      ],
      true,
    );
  }

  private key(component: string) {
    return { environmentName: this.target.environmentName, applicationName: this.target.applicationName, component };
  }

  stepStarted(step: PlannedStep, attempt: number): Promise<void> {
    return this.serial(async () => {
      const record = this.record(step.id);
      Object.assign(record, { state: 'Running', attempts: attempt, error: null, finishedAt: null });
      record.startedAt ??= new Date().toISOString();
      await this.save({
        level: 'info',
        message: attempt > 1 ? `${step.description}: attempt ${attempt}` : `${step.description}: started`,
        step,
        fields: { attempt },
      });
      const phase = componentPhaseOnStart(step);
      if (phase && step.component) {
        const key = this.key(step.component);
        if (step.action === 'provision' || step.action === 'deliver') {
          const type = (step.type ?? 'webservice') as ComponentType;
          const changes = { type, category: BUILTIN_TYPES.isCloud(type) ? ('cloud' as const) : ('workload' as const) };
          // A component seen for the first time gets its row with the step's first write to it, or with this write.
          await this.resources.defer(key, { ...changes, phase });
        } else await this.resources.defer(key, { phase });
      }
    });
  }

  stepSucceeded(step: PlannedStep, success: StepSuccess): Promise<void> {
    return this.serial(async () => {
      const record = this.record(step.id);
      Object.assign(record, {
        state: 'Succeeded',
        attempts: success.attempts,
        finishedAt: new Date().toISOString(),
        error: null,
        ...(success.result ? { result: success.result } : {}),
      });
      // The component's phase goes with the step state, in one statement: never the step recorded without it.
      const phase = componentPhaseOnSuccess(step);
      if (phase && step.component) {
        await this.resources.defer(this.key(step.component), {
          phase,
          lastError: null,
          conditions: [
            condition('Ready', phase === 'Ready' ? 'True' : 'False', phase, step.description),
            ...notAppliedConditions(success.result),
          ],
        });
      }
      await this.save({
        level: 'info',
        message: `${step.description}: succeeded in ${formatDuration(success.durationMs)}`,
        step,
        fields: { attempts: success.attempts, durationMs: Math.round(success.durationMs) },
      });
      this.onStepDone?.(step, 'succeeded', success.durationMs);
    });
  }

  stepFailed(step: PlannedStep, failure: StepFailure): Promise<void> {
    return this.serial(async () => {
      const record = this.record(step.id);
      Object.assign(record, {
        state: 'Failed',
        attempts: failure.attempts,
        finishedAt: new Date().toISOString(),
        error: failure.message,
      });
      const phase = componentPhaseOnFailure(step);
      if (phase && step.component) {
        await this.resources.defer(this.key(step.component), {
          phase,
          lastError: failure.message,
          conditions: [condition('Ready', 'False', failure.code, failure.message)],
        });
      }
      await this.save({
        level: 'error',
        message: `${step.description}: failed after ${failure.attempts} attempt(s) (${failure.code}): ${failure.message}`,
        step,
        fields: { attempts: failure.attempts, code: failure.code, retryable: failure.retryable },
      });
      this.onStepDone?.(step, 'failed', failure.durationMs);
    });
  }

  stepBlocked(step: PlannedStep, blockedBy: string): Promise<void> {
    return this.serial(async () => {
      const record = this.record(step.id);
      Object.assign(record, {
        state: 'Skipped',
        error: `blocked by ${blockedBy}`,
        finishedAt: new Date().toISOString(),
      });
      await this.save({
        level: 'warn',
        message: `${step.description}: skipped, ${blockedBy} failed`,
        step,
        fields: { blockedBy },
      });
    });
  }

  event(level: LogLevel, message: string, fields: Record<string, unknown>): Promise<void> {
    return this.serial(async () => {
      const stepId = typeof fields.step === 'string' ? fields.step : undefined;
      const step = stepId ? this.steps.find((s) => s.id === stepId) : undefined;
      const rest = { ...fields };
      delete rest.step;
      await this.queue(
        [{ level, message, step: stepId ?? null, component: step?.component ?? null, fields: rest }],
        false,
      );
    });
  }
}
