import { SecretScrubber } from '../secrets';
import { formatDuration } from '../time';
import { evaluateStepCondition, parseStepCondition } from './step-condition';
import { siblingWaits } from './plan-workflow';
import { TERMINAL_STEP_PHASES, type WorkflowState, type WorkflowStepState } from './workflow-state';
import type { WorkflowJournal, WorkflowStepExecutor } from './workflow-ports';
import type {
  PlannedDeployStep,
  PlannedLeafStep,
  PlannedStepGroup,
  PlannedWorkflowStep,
  WorkflowMode,
} from './workflow-types';

export interface WorkflowEngineOptions {
  executor: WorkflowStepExecutor;
  journal: WorkflowJournal;
  /** Injectable so tests move time on without waiting. */
  now?: () => Date;
}

class StepTimedOut extends Error {}

/**
 * Advances a workflow run as far as it can go now. Each `advance` call starts every step whose turn has come (in
 * StepByStep mode one after another, in DAG mode as `dependsOn` allows, a step-group's subSteps by the subSteps
 * mode), awaits what it started, saves the whole state after every change, and returns when the run is finished or
 * waits for something outside it — a `:resume`, a suspend's duration (`state.wakeAt`). A run loaded after a crash
 * carries on: a step that was `running` starts again (its deploy targets that succeeded are not deployed again).
 * When `signal` aborts (lease lost, newer revision, terminate) the advance stops and saves nothing more.
 */
export class WorkflowEngine {
  private readonly now: () => Date;

  constructor(private readonly options: WorkflowEngineOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async advance(state: WorkflowState, signal?: AbortSignal): Promise<WorkflowState> {
    if (state.phase === 'succeeded' || state.phase === 'failed' || state.phase === 'terminated') return state;
    await new WorkflowRun(state, this.options.executor, this.options.journal, this.now, signal).run();
    return state;
  }
}

class WorkflowRun {
  private readonly running = new Map<string, Promise<void>>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly waits = new WeakMap<readonly PlannedWorkflowStep[], Map<string, Set<string>>>();
  private saving: Promise<void> = Promise.resolve();
  private saveError: unknown;

  constructor(
    private readonly state: WorkflowState,
    private readonly executor: WorkflowStepExecutor,
    private readonly journal: WorkflowJournal,
    private readonly now: () => Date,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private get stopped(): boolean {
    return this.signal?.aborted === true || this.saveError !== undefined;
  }

  async run(): Promise<void> {
    const { plan } = this.state;
    if (this.state.phase !== 'executing' || this.state.wakeAt) {
      this.state.phase = 'executing';
      delete this.state.wakeAt;
      this.save();
    }
    while (!this.stopped) {
      if (this.visitAll(plan.steps, plan.mode.steps)) continue;
      if (this.running.size === 0) break;
      await Promise.race(this.running.values());
    }
    await Promise.allSettled(this.running.values());
    if (!this.stopped) this.finish();
    await this.saving;
    if (this.saveError !== undefined && !this.signal?.aborted) throw this.saveError;
  }

  private finish(): void {
    const top = this.state.plan.steps.map((step) => this.state.steps[step.name]);
    if (top.every((step) => TERMINAL_STEP_PHASES.has(step.phase))) {
      const failed = Object.values(this.state.steps).some((step) => step.phase === 'failed');
      this.state.phase = failed ? 'failed' : 'succeeded';
      this.state.finishedAt = this.now().toISOString();
      this.event(failed ? 'warn' : 'info', `workflow ${this.state.phase}`, {});
    } else {
      this.state.phase = 'suspending';
      const wakes = this.leaves()
        .filter((step) => this.state.steps[step.name].phase === 'suspending')
        .flatMap((step) => [this.state.steps[step.name].resumeAt, this.deadline(step)])
        .filter((at): at is string => at !== undefined)
        .sort();
      if (wakes.length > 0) this.state.wakeAt = wakes[0];
    }
    this.save();
  }

  private leaves(): PlannedLeafStep[] {
    return this.state.plan.steps.flatMap((step) => (step.type === 'step-group' ? step.subSteps : [step]));
  }

  private save(): void {
    if (this.stopped) return;
    this.saving = this.saving
      .then(() => (this.stopped ? undefined : this.journal.save(this.state)))
      .catch((error: unknown) => {
        this.saveError ??= error;
        for (const controller of this.controllers.values()) controller.abort(error);
      });
  }

  private event(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void {
    if (this.stopped) return;
    this.saving = this.saving.then(() => this.journal.event(level, message, fields)).catch(() => undefined);
  }

  private waitsOf(
    step: PlannedWorkflowStep,
    siblings: readonly PlannedWorkflowStep[],
    mode: WorkflowMode,
  ): Set<string> {
    let waits = this.waits.get(siblings);
    if (!waits) this.waits.set(siblings, (waits = siblingWaits(siblings, mode)));
    return waits.get(step.name) ?? new Set<string>();
  }

  /** The steps a step waits for among its siblings are all done. */
  private waitsDone(step: PlannedWorkflowStep, siblings: readonly PlannedWorkflowStep[], mode: WorkflowMode): boolean {
    for (const name of this.waitsOf(step, siblings, mode)) {
      if (!TERMINAL_STEP_PHASES.has(this.state.steps[name].phase)) return false;
    }
    return true;
  }

  /** Why a pending step whose turn has come does not run, or undefined when it runs. */
  private skipReason(
    step: PlannedWorkflowStep,
    siblings: readonly PlannedWorkflowStep[],
    mode: WorkflowMode,
  ): 'ConditionNotMet' | 'DependencyFailed' | undefined {
    if (step.if !== undefined) {
      const met = evaluateStepCondition(parseStepCondition(step.if), (name) => {
        const other = this.state.steps[name];
        return { phase: other?.phase ?? 'pending', timedOut: other?.reason === 'Timeout' };
      });
      return met ? undefined : 'ConditionNotMet';
    }
    const blocked = [...this.waitsOf(step, siblings, mode)].some((name) => {
      const other = this.state.steps[name];
      return other.phase === 'failed' || (other.phase === 'skipped' && other.reason !== 'ConditionNotMet');
    });
    return blocked ? 'DependencyFailed' : undefined;
  }

  private deadline(step: PlannedWorkflowStep): string | undefined {
    const startedAt = this.state.steps[step.name].startedAt;
    if (step.timeoutMs === undefined || startedAt === undefined) return undefined;
    return new Date(Date.parse(startedAt) + step.timeoutMs).toISOString();
  }

  private pastDeadline(step: PlannedWorkflowStep): boolean {
    const deadline = this.deadline(step);
    return deadline !== undefined && this.now().toISOString() >= deadline;
  }

  private settle(
    name: string,
    phase: 'succeeded' | 'failed' | 'skipped',
    reason?: WorkflowStepState['reason'],
    message?: string,
  ): void {
    const step = this.state.steps[name];
    step.phase = phase;
    if (reason) step.reason = reason;
    else delete step.reason;
    if (message) step.message = message;
    else delete step.message;
    delete step.resumeAt;
    step.finishedAt = this.now().toISOString();
    this.event(phase === 'failed' ? 'warn' : 'info', `step ${name} ${phase}${reason ? ` (${reason})` : ''}`, {
      step: name,
    });
    this.save();
  }

  /** Visits siblings in order; in StepByStep mode none after the first that is not done can start, so stop there. */
  private visitAll(steps: readonly PlannedWorkflowStep[], mode: WorkflowMode): boolean {
    let progressed = false;
    for (const step of steps) {
      progressed = this.visit(step, steps, mode) || progressed;
      if (mode === 'StepByStep' && !TERMINAL_STEP_PHASES.has(this.state.steps[step.name].phase)) break;
    }
    return progressed;
  }

  private visit(step: PlannedWorkflowStep, siblings: readonly PlannedWorkflowStep[], mode: WorkflowMode): boolean {
    return step.type === 'step-group' ? this.visitGroup(step, siblings, mode) : this.visitLeaf(step, siblings, mode);
  }

  private visitGroup(group: PlannedStepGroup, siblings: readonly PlannedWorkflowStep[], mode: WorkflowMode): boolean {
    const st = this.state.steps[group.name];
    if (TERMINAL_STEP_PHASES.has(st.phase)) return false;
    if (st.phase === 'pending') {
      if (!this.waitsDone(group, siblings, mode)) return false;
      const skip = this.skipReason(group, siblings, mode);
      if (skip) {
        for (const sub of group.subSteps) this.settle(sub.name, 'skipped', skip);
        this.settle(group.name, 'skipped', skip);
        return true;
      }
      st.phase = 'running';
      st.attempts += 1;
      st.startedAt ??= this.now().toISOString();
      this.save();
      return true;
    }
    if (this.pastDeadline(group)) {
      for (const sub of group.subSteps) {
        if (TERMINAL_STEP_PHASES.has(this.state.steps[sub.name].phase)) continue;
        this.controllers.get(sub.name)?.abort(new StepTimedOut());
        if (!this.running.has(sub.name)) this.settle(sub.name, 'skipped', 'Timeout');
      }
    }
    const progressed = this.visitAll(group.subSteps, this.state.plan.mode.subSteps);
    const subs = group.subSteps.map((sub) => this.state.steps[sub.name]);
    if (subs.every((sub) => TERMINAL_STEP_PHASES.has(sub.phase))) {
      const timedOut = this.pastDeadline(group);
      const failed = subs.some((sub) => sub.phase === 'failed') || timedOut;
      const message = timedOut ? `ran past its timeout of ${formatDuration(group.timeoutMs!)}` : undefined;
      this.settle(
        group.name,
        failed ? 'failed' : 'succeeded',
        timedOut ? 'Timeout' : failed ? 'Failed' : undefined,
        message,
      );
      return true;
    }
    const waiting =
      !group.subSteps.some((sub) => this.running.has(sub.name)) && subs.some((sub) => sub.phase === 'suspending');
    const phase = waiting ? 'suspending' : 'running';
    if (st.phase !== phase) {
      st.phase = phase;
      this.save();
    }
    return progressed;
  }

  private visitLeaf(step: PlannedLeafStep, siblings: readonly PlannedWorkflowStep[], mode: WorkflowMode): boolean {
    const st = this.state.steps[step.name];
    if (TERMINAL_STEP_PHASES.has(st.phase) || this.running.has(step.name)) return false;
    if (st.phase === 'suspending') return this.checkSuspended(step, st);
    if (!this.waitsDone(step, siblings, mode)) return false;
    if (st.phase === 'pending') {
      const skip = this.skipReason(step, siblings, mode);
      if (skip) {
        this.settle(step.name, 'skipped', skip);
        return true;
      }
    }
    st.startedAt ??= this.now().toISOString();
    return this.start(step, st);
  }

  private checkSuspended(step: PlannedLeafStep, st: WorkflowStepState): boolean {
    if (this.pastDeadline(step)) {
      this.settle(step.name, 'failed', 'Timeout', `waited past its timeout of ${formatDuration(step.timeoutMs!)}`);
      return true;
    }
    if (step.type === 'suspend') {
      const elapsed = st.resumeAt !== undefined && this.now().toISOString() >= st.resumeAt;
      if (!st.resumed && !elapsed) return false;
      this.settle(step.name, 'succeeded');
      return true;
    }
    if (!st.resumed) return false;
    return this.start(step, st);
  }

  private start(step: PlannedLeafStep, st: WorkflowStepState): boolean {
    if (this.pastDeadline(step)) {
      this.settle(step.name, 'failed', 'Timeout', `ran past its timeout of ${formatDuration(step.timeoutMs!)}`);
      return true;
    }
    if (step.type === 'suspend') {
      if (st.resumed) {
        this.settle(step.name, 'succeeded');
        return true;
      }
      st.phase = 'suspending';
      if (step.durationMs !== undefined) {
        st.resumeAt ??= new Date(Date.parse(st.startedAt!) + step.durationMs).toISOString();
        st.reason = 'WaitingForDuration';
      } else {
        st.reason = 'WaitingForResume';
      }
      this.event('info', `step ${step.name} suspended (${st.reason})`, { step: step.name });
      this.save();
      return true;
    }
    if (step.type === 'deploy' && !step.auto && !st.resumed) {
      st.phase = 'suspending';
      st.reason = 'WaitingForApproval';
      this.event('info', `step ${step.name} waits for approval (:resume)`, { step: step.name });
      this.save();
      return true;
    }
    st.phase = 'running';
    delete st.reason;
    st.attempts += 1;
    this.event('info', `step ${step.name} started (attempt ${st.attempts})`, { step: step.name });
    this.save();
    const promise = this.execute(step).finally(() => {
      this.running.delete(step.name);
      this.controllers.delete(step.name);
    });
    this.running.set(step.name, promise);
    return true;
  }

  private async execute(step: PlannedLeafStep): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(step.name, controller);
    const onStop = () => controller.abort(this.signal?.reason);
    this.signal?.addEventListener('abort', onStop, { once: true });
    const deadline = this.deadline(step);
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(
            () => controller.abort(new StepTimedOut()),
            Math.max(0, Date.parse(deadline) - this.now().getTime()),
          );
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([this.work(step, controller.signal), aborted]);
      if (!this.stopped) this.settle(step.name, 'succeeded');
    } catch (error) {
      if (this.stopped) return;
      if (controller.signal.reason instanceof StepTimedOut) {
        this.settle(step.name, 'failed', 'Timeout', `ran past its timeout of ${formatDuration(step.timeoutMs!)}`);
      } else {
        // A webhook URL written in the Application is a secret too: never in a step's message.
        const scrubber = new SecretScrubber(
          step.type === 'notification' && 'value' in step.url ? [step.url.value] : [],
        );
        this.settle(step.name, 'failed', 'Failed', scrubber.scrub(errorMessage(error)));
      }
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', onStop);
    }
  }

  private work(step: PlannedLeafStep, signal: AbortSignal): Promise<void> {
    const base = { revision: this.state.revision, step: step.name, signal };
    switch (step.type) {
      case 'deploy':
        return this.deploy(step, signal);
      case 'apply-component':
        return this.executor.applyComponent({
          ...base,
          environment: step.environment,
          ...(step.namespace ? { namespace: step.namespace } : {}),
          component: step.resolved,
        });
      case 'notification':
        return this.executor.notify({
          ...base,
          channel: step.channel,
          url: step.url,
          ...(step.message ? { message: step.message } : {}),
        });
      case 'suspend':
        return Promise.resolve();
    }
  }

  /** Delivers every target not yet delivered, `parallelism` at a time; fails naming the environments that failed. */
  private async deploy(step: PlannedDeployStep, signal: AbortSignal): Promise<void> {
    const targets = this.state.steps[step.name].targets!;
    const queue = step.targets.filter((target) => targets[target.environment]?.phase !== 'succeeded');
    const worker = async () => {
      for (let target = queue.shift(); target !== undefined && !signal.aborted; target = queue.shift()) {
        const progress = (targets[target.environment] = { phase: 'running' });
        this.save();
        try {
          await this.executor.deploy({
            ...structuredClone(target),
            revision: this.state.revision,
            step: step.name,
            signal,
          });
          targets[target.environment] = { phase: 'succeeded' };
        } catch (error) {
          if (signal.aborted) throw error;
          targets[target.environment] = { ...progress, phase: 'failed', message: errorMessage(error) };
        }
        this.event('info', `step ${step.name}: ${target.environment} ${targets[target.environment].phase}`, {
          step: step.name,
          environment: target.environment,
        });
        this.save();
      }
    };
    await Promise.all(Array.from({ length: Math.min(step.parallelism, Math.max(queue.length, 1)) }, worker));
    const failed = step.targets.filter((target) => targets[target.environment].phase === 'failed');
    if (failed.length > 0) {
      throw new Error(failed.map((t) => `${t.environment}: ${targets[t.environment].message ?? 'failed'}`).join('; '));
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
