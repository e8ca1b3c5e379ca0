import {
  applicationPhaseAfter,
  applicationPhaseDuring,
  isCloudComponent,
  OperationExecutor,
  planOperation,
  SecretScrubber,
  type ApplicationSpec,
  type ComponentType,
  type Condition,
  type ExecutionResult,
  type PlannedStep,
  type StepAction,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { validateApplication } from '@berth/oam';
import {
  recordedResource,
  type ApplicationEntity,
  type ApplicationRepository,
  type DependentUpdate,
  type EnvironmentRepository,
  type ManagedResourceRepository,
  type NewEvent,
  type OperationEntity,
  type OperationRepository,
  type StatusChange,
  type StepRecord,
} from '@berth/persistence';
import { condition, DbOperationJournal } from './db-operation.journal';
import { LifecycleError, LifecycleErrorCode } from '../problems/lifecycle.error';
import type { ComponentSecrets } from '../secrets/revision-secrets';
import type { SecretStore } from '../secrets/secret-store';
import type { OperationContext } from './steps/operation-context';
import { handlerFor, type StepHandlersOver } from './steps/step-handlers';
import { OperationResources } from './operation-resources';
import { keepLease } from './lease-heartbeat';

export interface RunnerDependencies {
  operations: OperationRepository;
  applications: ApplicationRepository;
  environments: EnvironmentRepository;
  resources: ManagedResourceRepository;
  /** The step handlers, made per operation over its view of the application's resources. */
  steps: StepHandlersOver;
  secrets: SecretStore;
  executor: OperationExecutor;
  leaseMs: number;
  /** How long step states and events may wait to be written together (default JOURNAL_WRITE_DELAY_MS; 0: at once). */
  journalWriteDelayMs?: number;
  onStepDone?: (step: PlannedStep, outcome: 'succeeded' | 'failed', durationMs: number) => void;
  onOperationDone?: (operation: OperationEntity, state: string) => void;
}

function toRecords(steps: PlannedStep[]): StepRecord[] {
  return steps.map((s) => ({
    id: s.id,
    action: s.action,
    ...(s.component ? { component: s.component } : {}),
    ...(s.type ? { type: s.type } : {}),
    dependsOn: s.dependsOn,
    description: s.description,
    state: 'Pending',
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    error: null,
  }));
}

function toPlanned(records: StepRecord[]): PlannedStep[] {
  return records.map((r) => ({
    id: r.id,
    action: r.action as StepAction,
    ...(r.component ? { component: r.component } : {}),
    ...(r.type ? { type: r.type as ComponentType } : {}),
    dependsOn: r.dependsOn,
    description: r.description,
  }));
}

/**
 * Runs one claimed operation to its end (or until its lease is lost): loads what it needs, plans it once (the plan is
 * stored, so a resumed run skips the completed steps), executes it with the DB journal while heartbeats renew the
 * lease, and records the outcome on the operation and the application.
 */
export class OperationRunner {
  constructor(private readonly deps: RunnerDependencies) {}

  async run(claimed: OperationEntity, stop: AbortSignal): Promise<void> {
    const { operations, leaseMs } = this.deps;
    const owner = claimed.leaseOwner!;
    const lease = new AbortController();
    const onStop = () => lease.abort(stop.reason);
    stop.addEventListener('abort', onStop, { once: true });
    const stopHeartbeat = keepLease(
      () => operations.renewLease(claimed.id, owner, leaseMs),
      leaseMs,
      () => lease.abort(new LifecycleError(LifecycleErrorCode.LeaseLost, `lost the lease on operation ${claimed.id}`)),
    );
    try {
      // A heartbeat that lands after the operation was finished finds no lease to renew: that is not a takeover.
      const finished = await this.execute(claimed, owner, lease.signal);
      if (!finished && lease.signal.aborted && !stop.aborted) await this.noteLeaseLost(claimed);
    } catch (error) {
      if (stop.aborted) return;
      // A journal write refused for want of the lease, or the heartbeat saw it taken over: another worker carries on.
      if (lease.signal.aborted || (error instanceof LifecycleError && error.code === LifecycleErrorCode.LeaseLost)) {
        lease.abort(error);
        await this.noteLeaseLost(claimed);
        return;
      }
      // Could not even be planned or recorded (environment gone, invalid revision, database error): it fails as a whole.
      const message = error instanceof Error ? error.message : String(error);
      await operations
        .appendEvent(claimed.id, { level: 'error', message: `${claimed.kind} failed: ${message}` })
        .catch(() => undefined);
      if (await operations.finish(claimed.id, owner, 'Failed', message).catch(() => false)) {
        await this.setApplicationStatus(claimed, claimed.kind === 'delete' ? 'DeleteFailed' : 'Failed', [
          condition('Ready', 'False', 'OperationFailed', message),
        ]).catch(() => undefined);
        this.deps.onOperationDone?.(claimed, 'Failed');
      }
    } finally {
      stopHeartbeat();
      stop.removeEventListener('abort', onStop);
      if (stop.aborted) await operations.release(claimed.id, owner).catch(() => undefined);
    }
  }

  /** An event (not fenced by the lease) saying why this claim stopped: the operation's log explains a takeover. */
  private async noteLeaseLost(claimed: OperationEntity): Promise<void> {
    await this.deps.operations
      .appendEvent(claimed.id, {
        level: 'warn',
        message: `claim ${claimed.attempts} lost its lease (taken over by another worker); it stopped without recording more`,
        fields: { claim: claimed.attempts },
      })
      .catch(() => undefined);
  }

  /** Runs the operation's steps; true when this claim recorded the operation's end. */
  private async execute(operation: OperationEntity, owner: string, signal: AbortSignal): Promise<boolean> {
    const { operations, resources } = this.deps;
    const ctx = await this.context(operation);
    // The claim's own events go with the plan (or in one insert when the plan is stored already): one round trip.
    const opening: NewEvent[] = [
      {
        level: 'info',
        message: `claimed by worker ${owner.split('/').slice(0, -1).join('/')} (lease ${Math.round(this.deps.leaseMs / 1000)} s)`,
        fields: { worker: owner.split('/').slice(0, -1).join('/'), claim: operation.attempts },
      },
    ];
    if (operation.attempts > 1) {
      opening.push({
        level: 'warn',
        message: `resumed by another worker (claim ${operation.attempts}); completed steps are not run again`,
      });
    }

    let records = operation.steps;
    const planNew = !records;
    // The application's resources as the plan reads them (a resumed operation reads them when a step first asks).
    const recorded = records ? undefined : await resources.list(operation.environmentName, operation.applicationName);
    // The steps' reads of them: from what was read and the operation's own writes since.
    const view = new OperationResources(resources, operation.environmentName, operation.applicationName, recorded);
    if (!records) {
      const plan = planOperation({
        kind: operation.kind,
        application: ctx.application,
        resources: recorded!.map(recordedResource),
        types: BUILTIN_TYPES,
        options: operation.options,
      });
      const steps = [...plan.steps];
      if (operation.kind === 'refresh' && ctx.application) {
        // Re-deliver workloads after the refresh: a secret re-issued because its outputs moved reaches them.
        const refreshIds = steps.map((s) => s.id);
        for (const component of ctx.application.components) {
          if (isCloudComponent(component)) continue;
          steps.push({
            id: `deliver:${component.name}`,
            action: 'deliver',
            component: component.name,
            type: component.type,
            dependsOn: refreshIds,
            description: `Deliver ${component.type} ${component.name}`,
          });
        }
      }
      records = toRecords(steps);
      const unchanged = plan.unchanged.length ? `; unchanged: ${plan.unchanged.join(', ')}` : '';
      const planned: NewEvent = {
        level: 'info',
        message: `planned ${records.length} step(s): ${records.map((r) => r.id).join(', ') || 'nothing to do'}${unchanged}`,
        fields: { steps: records.map((r) => r.id), unchanged: plan.unchanged },
      };
      opening.push(planned);
    }
    const journal = new DbOperationJournal(
      {
        operationId: operation.id,
        leaseOwner: owner,
        environmentName: operation.environmentName,
        applicationName: operation.applicationName,
      },
      records,
      operations,
      view,
      this.deps.onStepDone,
      this.deps.journalWriteDelayMs,
    );
    view.beforeRemoving(() => journal.flush());
    // The claim's events, with the plan when it is new: written with the first steps' (or the operation's end).
    if (planNew) await journal.planned(opening);
    else await journal.note(opening);

    const during = applicationPhaseDuring(operation.kind);
    // The application's phase while the operation runs: with the journal's first write (within its delay).
    if (during)
      await journal.withNextWrite(
        this.recordingStatus(operation, operation.applicationId, {
          ...statusChange(operation, during, false),
          conditions: [
            condition('Ready', 'False', during, `${operation.kind} of generation ${operation.generation} in progress`),
          ],
        }),
      );

    const scrubber = new SecretScrubber();
    for (const values of Object.values(ctx.secretInputs)) scrubber.addAll(Object.values(values));
    const secrets = this.deps.secrets.over(view);
    for (const material of await secrets.materials(operation.environmentName, operation.applicationName)) {
      scrubber.addAll(material.sensitiveKeys.map((k) => material.data[k]).filter((v): v is string => !!v));
    }
    const succeeded = records.filter((r) => r.state === 'Succeeded');
    const steps = toPlanned(records);
    let result: ExecutionResult;
    try {
      result = await this.deps.executor.execute({
        steps,
        completed: new Set(succeeded.map((r) => r.id)),
        results: new Map(succeeded.flatMap((r) => (r.result ? [[r.id, r.result] as const] : []))),
        handler: handlerFor(this.deps.steps(view), { ...ctx, steps }),
        journal,
        signal,
        scrubber,
      });
    } catch (error) {
      // What the journal holds still tells what happened before the error (when the lease still allows it).
      await journal.flush().catch(() => undefined);
      throw error;
    }
    if (result.outcome === 'Interrupted') {
      // Stopped (shutdown, lease lost): the steps done are recorded so that the next claim skips them.
      await journal.flush().catch(() => undefined);
      return false;
    }
    await this.conclude(operation, owner, ctx, result, journal);
    return true;
  }

  private async conclude(
    operation: OperationEntity,
    owner: string,
    ctx: OperationContext,
    result: ExecutionResult,
    journal: DbOperationJournal,
  ): Promise<void> {
    const { operations } = this.deps;
    const records = journal.steps;
    const failed = records.filter((r) => r.state === 'Failed');
    const error = failed.length ? failed.map((r) => `${r.description}: ${r.error}`).join('; ') : null;
    const state = result.outcome === 'Succeeded' ? 'Succeeded' : 'Failed';
    const phase = applicationPhaseAfter(operation.kind, result.outcome);
    // The application's status goes with the operation's end, in its statement on PostgreSQL: both or neither.
    let status: DependentUpdate | undefined;

    if (operation.kind === 'refresh') {
      const drifted = Object.entries(ctx.drift);
      const drift = drifted.length
        ? condition(
            'Drifted',
            'True',
            'Drifted',
            drifted.map(([c, d]) => `${c}: ${d.map((x) => x.field).join(', ')}`).join('; '),
          )
        : condition(
            'Drifted',
            'False',
            ctx.reissued.length ? 'SecretReissued' : 'InSync',
            ctx.reissued.length
              ? `connection values of ${ctx.reissued.join(', ')} changed; secrets re-issued`
              : 'no drift',
          );
      status = this.recordingStatus(operation, null, { conditions: [drift], touch: false });
    } else if (phase && phase !== 'Deleted') {
      const components = ctx.application?.components.length ?? 0;
      const ready =
        state === 'Succeeded'
          ? condition(
              'Ready',
              'True',
              'Ready',
              operation.kind === 'apply' ? `${components} of ${components} components ready` : 'deleted',
            )
          : condition(
              'Ready',
              'False',
              operation.kind === 'delete' ? 'DeleteFailed' : 'ProvisioningFailed',
              error ?? 'failed',
            );
      status = this.recordingStatus(operation, operation.applicationId, {
        ...statusChange(operation, phase, true),
        conditions: [ready],
      });
    }
    const outcome: NewEvent = {
      level: state === 'Succeeded' ? 'info' : 'error',
      message: state === 'Succeeded' ? `${operation.kind} succeeded` : `${operation.kind} failed: ${error}`,
      fields: {
        state,
        succeeded: result.succeeded.length,
        failed: result.failed.length,
        blocked: result.blocked.length,
      },
    };
    const unwritten = await journal.unwritten();
    const ended = await operations.finish(
      operation.id,
      owner,
      state,
      error,
      new Date(),
      [...unwritten.events, outcome],
      records,
      // The final status replaces one still waiting to be written (the phase while it ran).
      status ? [...unwritten.components.filter((c) => c.target !== status.target), status] : unwritten.components,
    );
    if (!ended) {
      throw new LifecycleError(LifecycleErrorCode.LeaseLost, `lost the lease on operation ${operation.id}`);
    }
    this.deps.onOperationDone?.(operation, state);
  }

  /** Sets the application's phase (unless a newer generation was accepted meanwhile: it stays Pending for that one). */
  private async setApplicationStatus(
    operation: OperationEntity,
    phase: ApplicationEntity['phase'],
    conditions: Condition[],
    observed = false,
  ): Promise<void> {
    await this.recordingStatus(operation, operation.applicationId, {
      ...statusChange(operation, phase, observed),
      conditions,
    }).run();
  }

  /** `change` on the operation's application (on its row `applicationId` only, when given), with another write. */
  private recordingStatus(
    operation: OperationEntity,
    applicationId: string | null,
    change: StatusChange,
  ): DependentUpdate {
    return this.deps.applications.recordingStatus(
      operation.environmentName,
      operation.applicationName,
      applicationId,
      change,
    );
  }

  /** The environment, and the application spec the operation works from (secrets restored from their sealed form). */
  private async context(operation: OperationEntity): Promise<OperationContext> {
    const environment = await this.deps.environments.find(operation.environmentName);
    if (!environment) throw new Error(`environment ${operation.environmentName} no longer exists`);
    let revisionId = operation.revisionId;
    if (operation.kind !== 'apply') {
      const row = await this.deps.applications.find(operation.environmentName, operation.applicationName);
      revisionId = row && row.id === operation.applicationId ? row.currentRevisionId : null;
    }
    const revision = revisionId ? await this.deps.applications.findRevision(revisionId) : null;
    if (operation.kind === 'apply' && !revision)
      throw new Error(`revision of generation ${operation.generation} not found`);
    let application: ApplicationSpec | undefined;
    let secretInputs: ComponentSecrets = {};
    if (revision) {
      const restored = this.deps.secrets.restoredRevision(
        operation.environmentName,
        operation.applicationName,
        revision,
      );
      secretInputs = restored.secrets;
      const components = (restored.document.spec as { components?: unknown } | undefined)?.components;
      // The home record of an Application whose topology does not select its home: nothing of its own to deliver.
      const deliversNothingHere = Array.isArray(components) && components.length === 0;
      const validated = deliversNothingHere
        ? ({ ok: true, application: emptyApplication(operation.applicationName) } as const)
        : validateApplication(restored.document, { profileNames: Object.keys(environment.profiles ?? {}) });
      if (!validated.ok) {
        throw new Error(
          `generation ${revision.generation} is no longer valid here: ${validated.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        );
      }
      application = this.deps.secrets.withDigestedSecrets(validated.application, secretInputs);
    }
    return { operation, environment, application, secretInputs, steps: [], drift: {}, reissued: [] };
  }
}

/** What the home record of an Application delivered only elsewhere provisions in its own environment: nothing. */
function emptyApplication(name: string): ApplicationSpec {
  return { name, labels: {}, annotations: {}, components: [], policies: [] };
}

/** The phase an operation records on its application (kept by the rules below), and on an apply's end its generation. */
function statusChange(
  operation: OperationEntity,
  phase: ApplicationEntity['phase'],
  observed: boolean,
): Omit<StatusChange, 'conditions'> {
  return {
    phase,
    // A newer generation was accepted meanwhile (it stays Pending for that one), or a delete was requested.
    keepPhase: {
      ...(operation.kind === 'apply' ? { newerThanGeneration: operation.generation } : {}),
      deletionRequested: operation.kind !== 'delete',
    },
    ...(observed && operation.kind === 'apply' ? { observedGeneration: operation.generation } : {}),
  };
}
