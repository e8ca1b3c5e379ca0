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
import type { OperationRepository, ResourceStore, StepRecord } from '@berth/persistence';
import { LifecycleError, LifecycleErrorCode } from '../problems/lifecycle.error';

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
 * The executor's journal over the database: step states in the operation row (every write conditioned on the lease:
 * a worker that lost it records nothing more and stops), one event per step transition, and the component's phase,
 * conditions and last error on its managed resource. Writes are serialized in call order.
 */
export class DbOperationJournal implements OperationJournal {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: JournalTarget,
    readonly steps: StepRecord[],
    private readonly operations: OperationRepository,
    private readonly resources: ResourceStore,
    private readonly onStepDone?: (step: PlannedStep, outcome: 'succeeded' | 'failed', durationMs: number) => void,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private record(id: string): StepRecord {
    const record = this.steps.find((s) => s.id === id);
    if (!record) throw new Error(`unknown step ${id}`);
    return record;
  }

  /** Stores the step states and, with them, the step's event (one round trip on PostgreSQL). */
  private async save(event: { level: LogLevel; message: string; step: PlannedStep; fields: Record<string, unknown> }) {
    const ok = await this.operations.saveSteps(
      this.target.operationId,
      this.target.leaseOwner,
      this.steps,
      new Date(),
      [
        {
          level: event.level,
          message: event.message,
          step: event.step.id,
          component: event.step.component ?? null,
          fields: event.fields,
        },
      ],
    );
    if (!ok)
      throw new LifecycleError(LifecycleErrorCode.LeaseLost, `lost the lease on operation ${this.target.operationId}`);
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
        if (step.action === 'provision' || step.action === 'deliver') {
          const type = (step.type ?? 'webservice') as ComponentType;
          await this.resources.set(this.key(step.component), {
            type,
            category: BUILTIN_TYPES.isCloud(type) ? 'cloud' : 'workload',
            phase,
          });
        } else await this.resources.update(this.key(step.component), { phase });
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
      // The component's phase first: a crash between the two writes then leaves the step unrecorded, and the resumed
      // operation runs it again (steps are idempotent) instead of skipping it with the phase never written.
      const phase = componentPhaseOnSuccess(step);
      if (phase && step.component) {
        await this.resources.update(this.key(step.component), {
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
        await this.resources.update(this.key(step.component), {
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
      await this.operations.appendEvent(this.target.operationId, {
        level,
        message,
        step: stepId ?? null,
        component: step?.component ?? null,
        fields: rest,
      });
    });
  }
}
