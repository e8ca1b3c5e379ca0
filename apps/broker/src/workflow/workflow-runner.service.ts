import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  resumeWorkflow,
  retryWorkflow,
  terminateWorkflow,
  WorkflowEngine,
  WorkflowError,
  DEFAULT_RETRY_POLICY,
  WorkflowJournal,
  type LogLevel,
  type WorkflowState,
} from '@berth/core';
import {
  type ApplicationEntity,
  ApplicationRepository,
  OperationRepository,
  type StoredWorkflow,
} from '@berth/persistence';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { ApplicationsService } from '../applications/applications.service';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { SecretStore } from '../secrets/secret-store';
import { DeliveryExecutor, type DeliveryExecutorDeps } from './delivery-executor';
import { DEFAULT_WEBHOOK_RETRY, WebhookPoster } from './webhook-poster';

const FINISHED = new Set(['succeeded', 'failed', 'terminated']);

interface ActiveRun {
  revision: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs the `spec.workflow` of home applications: the engine's state lives on the home row (column `workflow`), so
 * every tick (and a restart) picks up a run that is executing, or suspended past its `wakeAt`, and advances it. A
 * deploy step writes its environments' deliveries and waits until their apply operations succeed (the steps are
 * carried out by DeliveryExecutor).
 */
@Injectable()
export class WorkflowRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly active = new Map<string, ActiveRun>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private readonly stop = new AbortController();
  /** What every run's steps are carried out with (DeliveryExecutor). */
  private readonly deps: DeliveryExecutorDeps;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(ApplicationRepository) private readonly applications: ApplicationRepository,
    @Inject(OperationRepository) private readonly operations: OperationRepository,
    @Inject(ApplicationsService) private readonly service: ApplicationsService,
    @Inject(LifecycleService) lifecycle: LifecycleService,
    @Inject(SecretStore) secrets: SecretStore,
  ) {
    // Webhooks are retried like provider steps (the lifecycle's retry tuning), by default 3 attempts from 1 s.
    const tuned = config.lifecycle?.retry;
    this.deps = {
      service,
      applications,
      operations,
      lifecycle,
      secrets,
      webhooks: new WebhookPoster({
        retry: tuned ? { ...DEFAULT_RETRY_POLICY, ...tuned } : DEFAULT_WEBHOOK_RETRY,
      }),
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.service.workflowStarted = () => void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.lifecycle?.workerPollMs ?? 250);
    this.timer.unref();
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stop.abort();
    for (const run of this.active.values()) run.controller.abort();
    await Promise.allSettled([...this.active.values()].map((run) => run.done));
  }

  /** Starts an advance of every run that can go on and is not already being advanced here. */
  async tick(): Promise<void> {
    if (this.ticking || this.stop.signal.aborted) return;
    this.ticking = true;
    try {
      const now = new Date().toISOString();
      for (const home of await this.applications.withWorkflows()) {
        const { state } = home.workflow!;
        const run = this.active.get(home.id);
        if (run) {
          if (run.revision !== state.revision) run.controller.abort();
          continue;
        }
        if (FINISHED.has(state.phase) || home.deletionRequestedAt) continue;
        if (state.phase === 'suspending' && (state.wakeAt === undefined || state.wakeAt > now)) continue;
        this.start(home, home.workflow!);
      }
    } catch {
      // The next tick tries again (the database may be briefly unavailable).
    } finally {
      this.ticking = false;
    }
  }

  private start(home: ApplicationEntity, stored: StoredWorkflow): void {
    const controller = new AbortController();
    const engine = new WorkflowEngine({
      executor: new DeliveryExecutor(home, stored, this.deps),
      journal: new HomeJournal(home, stored, controller, this.applications, this.operations),
    });
    const done = engine
      .advance(structuredClone(stored.state), controller.signal)
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => {
        this.active.delete(home.id);
        if (!controller.signal.aborted) void this.tick();
      });
    this.active.set(home.id, { revision: stored.state.revision, controller, done });
  }

  /** `:resume`: the waiting steps go on (409 when nothing waits, the workflow's own message). */
  async resume(environment: string, name: string): Promise<WorkflowState> {
    const home = await this.settled(environment, name);
    const state = this.guard(() => resumeWorkflow(home.workflow!.state));
    await this.applications.saveWorkflow(home.id, { ...home.workflow!, state });
    void this.tick();
    return state;
  }

  /** Whether `:retry` of this application means its workflow: a failed or terminated run. */
  retries(application: ApplicationEntity): boolean {
    const phase = application.workflow?.state.phase;
    return phase === 'failed' || phase === 'terminated';
  }

  /** `:retry`: the failed steps (and those skipped or cut off because of them) run again; a deploy redoes its failed environments. */
  async retry(environment: string, name: string): Promise<WorkflowState> {
    const home = await this.settled(environment, name);
    const state = this.guard(() => retryWorkflow(home.workflow!.state));
    await this.applications.saveWorkflow(home.id, { ...home.workflow!, state });
    void this.tick();
    return state;
  }

  /** `:terminate`: stops the advance in progress, then ends the run (running steps failed, the rest skipped). */
  async terminate(environment: string, name: string): Promise<WorkflowState> {
    const home = await this.settled(environment, name);
    const state = this.guard(() => terminateWorkflow(home.workflow!.state, new Date()));
    await this.applications.saveWorkflow(home.id, { ...home.workflow!, state });
    return state;
  }

  /**
   * The home once no advance of its run is in progress here: an advance still saves the run as it ends, which would
   * overwrite a resume or retry saved in between. It is stopped (not awaited: in DAG mode a deploy may run beside a
   * waiting step for long); the next advance starts a step that was running again, and a deploy whose delivery is
   * unchanged only waits for its apply.
   */
  private async settled(environment: string, name: string): Promise<ApplicationEntity> {
    const home = await this.home(environment, name);
    const run = this.active.get(home.id);
    if (!run) return home;
    run.controller.abort();
    await run.done;
    return this.home(environment, name);
  }

  private async home(environment: string, name: string): Promise<ApplicationEntity> {
    const home = await this.service.require(environment, name);
    if (!home.workflow) {
      throw new BrokerError(
        BrokerErrorCode.Conflict,
        `application ${name} in environment ${environment} has no workflow (spec.workflow) to resume or terminate`,
      );
    }
    return home;
  }

  private guard(change: () => WorkflowState): WorkflowState {
    try {
      return change();
    } catch (error) {
      if (error instanceof WorkflowError) throw new BrokerError(BrokerErrorCode.Conflict, error.message);
      throw error;
    }
  }
}

/** Saves the run on the home row, unless a newer revision (or a terminate) replaced it: then the advance stops. */
class HomeJournal extends WorkflowJournal {
  constructor(
    private readonly home: ApplicationEntity,
    private readonly stored: StoredWorkflow,
    private readonly controller: AbortController,
    private readonly applications: ApplicationRepository,
    private readonly operations: OperationRepository,
  ) {
    super();
  }

  async save(state: WorkflowState): Promise<void> {
    const current = await this.applications.find(this.home.environmentName, this.home.name);
    if (!current || current.workflow?.state.revision !== state.revision || current.deletionRequestedAt) {
      this.controller.abort();
      throw new Error('the workflow run was replaced');
    }
    await this.applications.saveWorkflow(this.home.id, { sealed: this.stored.sealed, state: structuredClone(state) });
  }

  /** Each step transition is an event of the home's latest operation (its apply of this revision). */
  async event(level: LogLevel, message: string, fields: Record<string, unknown>): Promise<void> {
    const latest = await this.operations.latestForApplication(this.home.environmentName, this.home.name);
    if (!latest) return;
    await this.operations.appendEvent(latest.id, {
      level,
      message: `workflow: ${message}`,
      step: typeof fields.step === 'string' ? fields.step : null,
      fields,
    });
  }
}
