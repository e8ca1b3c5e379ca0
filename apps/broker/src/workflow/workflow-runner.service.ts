import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
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
import { keepLease } from '../lifecycle/lease-heartbeat';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { WorkerService } from '../lifecycle/worker.service';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { SecretStore } from '../secrets/secret-store';
import { DeliveryExecutor, type DeliveryExecutorDeps } from './delivery-executor';
import { DEFAULT_WEBHOOK_RETRY, WebhookPoster } from './webhook-poster';

interface ActiveRun {
  /** This broker's claim on the run (its lease token). */
  owner: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs the `spec.workflow` of home applications: the engine's state lives on the home row (column `workflow`). Every
 * tick (and a restart) reads the runs that are due (`workflow_due_at`: executing, or suspended past their `wakeAt`)
 * and that no other broker holds, claims each with a lease (BERTH_LEASE_SECONDS, like an operation's; heartbeats
 * renew it while a step waits) and advances it; only the holder saves the run and writes its events. A broker that
 * dies leaves its runs to be taken over when their lease expires. A deploy step writes its environments' deliveries
 * and waits until their apply operations succeed (the steps are carried out by DeliveryExecutor).
 */
@Injectable()
export class WorkflowRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
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
    @Inject(WorkerService) private readonly worker: WorkerService,
    @Inject(SecretStore) secrets: SecretStore,
  ) {
    // Webhooks are retried like provider steps (the lifecycle's retry tuning), by default 3 attempts from 1 s.
    const tuned = config.lifecycle?.retry;
    this.deps = {
      service,
      applications,
      operations,
      lifecycle,
      worker,
      secrets,
      webhooks: new WebhookPoster({
        retry: tuned ? { ...DEFAULT_RETRY_POLICY, ...tuned } : DEFAULT_WEBHOOK_RETRY,
      }),
    };
  }

  private get leaseMs(): number {
    return this.config.leaseSeconds * 1000;
  }

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.service.workflowStarted = () => void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.lifecycle?.workerPollMs ?? 250);
    this.timer.unref();
    void this.tick();
  }

  /** Stops the advances and releases their leases (before the database closes): another broker goes on at once. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stop.abort();
    for (const run of this.active.values()) run.controller.abort();
    await Promise.allSettled([...this.active.values()].map((run) => run.done));
  }

  /**
   * Claims and starts every due run nobody advances; stops an advance here whose run was replaced, resumed or
   * terminated meanwhile (its lease was cleared).
   */
  async tick(): Promise<void> {
    if (this.ticking || this.stop.signal.aborted) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const mine = [...this.active.values()].map((run) => run.owner);
      for (const home of await this.applications.dueWorkflows(now, mine)) {
        const run = this.active.get(home.id);
        if (run) {
          if (home.workflowLeaseOwner !== run.owner) run.controller.abort();
          continue;
        }
        if (this.stop.signal.aborted) break;
        const owner = `${this.worker.workerId}/${randomUUID().slice(0, 8)}`;
        const claimed = await this.applications.claimWorkflow(home.id, owner, this.leaseMs);
        if (claimed?.workflow) this.start(claimed, claimed.workflow, owner);
      }
    } catch {
      // The next tick tries again (the database may be briefly unavailable).
    } finally {
      this.ticking = false;
    }
  }

  private start(home: ApplicationEntity, stored: StoredWorkflow, owner: string): void {
    const controller = new AbortController();
    const journal = new HomeJournal(home, stored, owner, controller, this.applications, this.operations);
    const engine = new WorkflowEngine({
      executor: new DeliveryExecutor(home, stored, this.deps),
      journal,
    });
    const stopHeartbeat = keepLease(
      () => this.applications.renewWorkflowLease(home.id, owner, this.leaseMs),
      this.leaseMs,
      () => controller.abort(),
    );
    const done = journal
      .claimed(this.leaseMs)
      .then(() => engine.advance(structuredClone(stored.state), controller.signal))
      .then(() => undefined)
      .catch(() => undefined)
      .finally(async () => {
        stopHeartbeat();
        await this.applications.releaseWorkflow(home.id, owner).catch(() => undefined);
        this.active.delete(home.id);
        if (!this.stop.signal.aborted) void this.tick();
      });
    this.active.set(home.id, { owner, controller, done });
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

/**
 * Saves the run on the home row while this broker's claim holds (a newer revision, an action or a delete clears the
 * lease, a broker that took over holds another): else the advance stops, and writes no more events.
 */
class HomeJournal extends WorkflowJournal {
  constructor(
    private readonly home: ApplicationEntity,
    private readonly stored: StoredWorkflow,
    private readonly owner: string,
    private readonly controller: AbortController,
    private readonly applications: ApplicationRepository,
    private readonly operations: OperationRepository,
  ) {
    super();
  }

  async save(state: WorkflowState): Promise<void> {
    const ours = await this.applications.saveWorkflow(
      this.home.id,
      { sealed: this.stored.sealed, state: structuredClone(state) },
      this.owner,
    );
    if (!ours) {
      this.controller.abort();
      throw new Error('the workflow run was replaced or taken over');
    }
  }

  /** The claim is an event too (which broker advances the run, for how long a lease), like an operation's. */
  async claimed(leaseMs: number): Promise<void> {
    const broker = this.owner.split('/').slice(0, -1).join('/');
    await this.event('info', `claimed by broker ${broker} (lease ${Math.round(leaseMs / 1000)} s)`, { broker });
  }

  /** Each step transition is an event of the home's latest operation (its apply of this revision). */
  async event(level: LogLevel, message: string, fields: Record<string, unknown>): Promise<void> {
    if (this.controller.signal.aborted) return;
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
