import { setMaxListeners } from 'node:events';
import { ProviderError, ProviderErrorCode } from '../errors';
import type { LogLevel, OperationLog } from '../ports';
import { SecretScrubber } from '../secrets';
import { formatDuration } from '../time';
import type { TypeRegistry } from '../types';
import type { PlannedStep } from './lifecycle-step';
import type { OperationJournal, StepFailure, StepResult } from './operation-journal.port';
import { remainingSteps } from './operation-planner';
import { realSleeper, type Sleeper } from './sleeper';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  resolveStepTimeouts,
  stepTimeoutMs,
  type RetryPolicy,
  type StepTimeouts,
} from './step-policy';

export interface StepContext {
  /** Aborted when the attempt times out or the execution stops (lease lost); pass it to every long call. */
  signal: AbortSignal;
  /** 1-based. */
  attempt: number;
  /** Lines go to the operation's event log, scrubbed, tagged with the step. */
  log: OperationLog;
  /** Register secret values learned during the step (e.g. generated passwords) so later messages hide them. */
  scrubber: SecretScrubber;
  /** The results of the steps that succeeded before this attempt, by step id (in this run or an earlier one). */
  results: ReadonlyMap<string, StepResult>;
}

/** Does the work of one step (the service maps actions to its ports). Throw a ProviderError to classify a failure. */
export type StepHandler = (step: PlannedStep, context: StepContext) => Promise<StepResult | void>;

export interface ExecutorOptions {
  /** Steps running at once. Independent steps beyond it wait for a slot. */
  concurrency?: number;
  timeouts?: Partial<StepTimeouts>;
  /** Where each type's own step timeout comes from (its descriptor); `timeouts.byType` overrides it. */
  types?: TypeRegistry;
  retry?: Partial<RetryPolicy>;
  sleeper?: Sleeper;
}

export interface ExecuteRequest {
  steps: readonly PlannedStep[];
  /** Ids completed by an earlier run of the same operation: not run again. */
  completed?: ReadonlySet<string>;
  /** The results recorded for the completed steps, by step id: handed to later steps through their context. */
  results?: ReadonlyMap<string, StepResult>;
  handler: StepHandler;
  journal: OperationJournal;
  /** Aborts when the lease is lost (or the worker shuts down): running steps are aborted, nothing more is recorded. */
  signal?: AbortSignal;
  /** Known secret values (e.g. the application's connection secrets) to hide from messages. */
  scrubber?: SecretScrubber;
}

export type ExecutionOutcome = 'Succeeded' | 'Failed' | 'Interrupted';

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  /** Ids that succeeded in this run (not the ones completed before it). */
  succeeded: string[];
  failed: Array<{ id: string; failure: StepFailure }>;
  blocked: Array<{ id: string; blockedBy: string }>;
  /** Ids not finished when the execution was interrupted. */
  unfinished: string[];
}

type StepState = 'pending' | 'running' | 'succeeded' | 'failed' | 'blocked';

interface Node {
  step: PlannedStep;
  state: StepState;
  waitingFor: number;
  dependants: Node[];
}

const DEFAULT_CONCURRENCY = 32;

/**
 * Runs the steps of one operation: each after the steps it depends on, independent ones in parallel up to
 * `concurrency`, every attempt under a per-type deadline, retryable ProviderErrors retried with exponential backoff,
 * a failure blocking only the steps that depend on it. Progress goes to the journal as it happens.
 */
export class OperationExecutor {
  private readonly concurrency: number;
  private readonly timeouts: StepTimeouts;
  private readonly retry: RetryPolicy;
  private readonly sleeper: Sleeper;

  constructor(options: ExecutorOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    this.timeouts = resolveStepTimeouts(options.timeouts, options.types);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (this.retry.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be at least 1');
    this.sleeper = options.sleeper ?? realSleeper;
  }

  execute(request: ExecuteRequest): Promise<ExecutionResult> {
    return new Execution(this, request).run();
  }

  /** @internal */
  settings() {
    return { concurrency: this.concurrency, timeouts: this.timeouts, retry: this.retry, sleeper: this.sleeper };
  }
}

class Execution {
  private readonly nodes = new Map<string, Node>();
  private readonly queue: Node[] = [];
  private queueHead = 0;
  private running = 0;
  private settled = 0;
  /** Aborted when the execution stops; backoff sleeps wait on it. */
  private readonly stop = new AbortController();
  /** The controllers of the attempts in flight: aborted directly on stop, so the stop signal needs no listener per step. */
  private readonly live = new Set<AbortController>();
  private readonly result: ExecutionResult = {
    outcome: 'Succeeded',
    succeeded: [],
    failed: [],
    blocked: [],
    unfinished: [],
  };
  private readonly settings: ReturnType<OperationExecutor['settings']>;
  private readonly scrubber: SecretScrubber;
  private readonly results: Map<string, StepResult>;
  private finish!: (result: ExecutionResult) => void;
  private fail!: (error: unknown) => void;
  private done = false;

  constructor(
    executor: OperationExecutor,
    private readonly request: ExecuteRequest,
  ) {
    this.settings = executor.settings();
    // Every step sleeping in a backoff listens to the stop signal; that many listeners is expected, not a leak.
    setMaxListeners(0, this.stop.signal);
    this.scrubber = request.scrubber ?? new SecretScrubber();
    this.results = new Map(request.results ?? []);
    const steps = remainingSteps(request.steps, request.completed ?? new Set());
    for (const step of steps) {
      if (this.nodes.has(step.id)) throw new Error(`duplicate step id ${step.id}`);
      this.nodes.set(step.id, { step, state: 'pending', waitingFor: step.dependsOn.length, dependants: [] });
    }
    for (const node of this.nodes.values()) {
      for (const dependency of node.step.dependsOn) {
        const parent = this.nodes.get(dependency);
        if (!parent) throw new Error(`step ${node.step.id} depends on unknown step ${dependency}`);
        parent.dependants.push(node);
      }
    }
    for (const node of this.nodes.values()) if (node.waitingFor === 0) this.queue.push(node);
    this.assertAcyclic();
  }

  /** Kahn's algorithm over a copy of the counters: a step never reached would leave the execution waiting forever. */
  private assertAcyclic(): void {
    const waiting = new Map([...this.nodes.values()].map((node) => [node, node.waitingFor]));
    const ready = [...this.queue];
    let reached = 0;
    while (ready.length > 0) {
      const node = ready.pop()!;
      reached++;
      for (const dependant of node.dependants) {
        const left = waiting.get(dependant)! - 1;
        waiting.set(dependant, left);
        if (left === 0) ready.push(dependant);
      }
    }
    if (reached !== this.nodes.size) throw new Error('the steps depend on each other in a cycle');
  }

  run(): Promise<ExecutionResult> {
    return new Promise<ExecutionResult>((resolve, reject) => {
      const external = this.request.signal;
      const onAbort = () => this.interrupt(external!.reason);
      this.finish = (result) => {
        external?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      this.fail = (error) => {
        external?.removeEventListener('abort', onAbort);
        reject(error);
      };
      if (external) {
        if (external.aborted) return this.interrupt(external.reason);
        external.addEventListener('abort', onAbort, { once: true });
      }
      this.pump();
    });
  }

  private pump(): void {
    while (!this.done && this.running < this.settings.concurrency && this.queueHead < this.queue.length) {
      const node = this.queue[this.queueHead++]!;
      if (node.state !== 'pending') continue;
      node.state = 'running';
      this.running++;
      this.runStep(node).then(
        () => this.afterStep(),
        (error: unknown) => this.abortWith(error),
      );
    }
    if (!this.done && this.settled === this.nodes.size) {
      this.done = true;
      this.result.outcome = this.result.failed.length > 0 ? 'Failed' : 'Succeeded';
      this.finish(this.result);
    }
  }

  private afterStep(): void {
    this.running--;
    this.pump();
  }

  private async runStep(node: Node): Promise<void> {
    const { step } = node;
    const { retry, sleeper } = this.settings;
    const journal = this.request.journal;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      if (this.done) return;
      await journal.stepStarted(step, attempt);
      let outcome: { ok: true; value: StepResult | void } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await this.attempt(step, attempt) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (this.done) return;
      if (outcome.ok) {
        const durationMs = performance.now() - started;
        await journal.stepSucceeded(step, { result: outcome.value ?? undefined, attempts: attempt, durationMs });
        if (outcome.value) this.results.set(step.id, outcome.value);
        this.succeed(node);
        return;
      }
      const error = ProviderError.from(outcome.error);
      const message = this.scrubber.scrub(error.message);
      if (!error.retryable || attempt >= retry.maxAttempts) {
        const failure: StepFailure = {
          code: error.code,
          message,
          retryable: error.retryable,
          attempts: attempt,
          durationMs: performance.now() - started,
        };
        await journal.stepFailed(step, failure);
        await this.failNode(node, failure);
        return;
      }
      const delayMs = backoffDelayMs(attempt, retry);
      await journal.event(
        'warn',
        `${step.description}: attempt ${attempt} of ${retry.maxAttempts} failed (${error.code}): ${message}; retrying in ${formatDuration(delayMs)}`,
        {
          step: step.id,
          attempt,
          code: error.code,
          delayMs,
        },
      );
      try {
        await sleeper.sleep(delayMs, this.stop.signal);
      } catch {
        return; // interrupted while waiting
      }
    }
  }

  /** One attempt under its deadline. Resolves or rejects promptly on timeout or stop, even if the handler ignores its signal. */
  private attempt(step: PlannedStep, attempt: number): Promise<StepResult | void> {
    const timeoutMs = stepTimeoutMs(step, this.settings.timeouts);
    const controller = new AbortController();
    return new Promise<StepResult | void>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.live.delete(controller);
        controller.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        cleanup();
        reject(controller.signal.reason);
      };
      const timer = setTimeout(
        () =>
          controller.abort(
            new ProviderError(
              ProviderErrorCode.Timeout,
              `${step.description} timed out after ${formatDuration(timeoutMs)}`,
            ),
          ),
        timeoutMs,
      );
      controller.signal.addEventListener('abort', onAbort, { once: true });
      this.live.add(controller);
      let work: Promise<StepResult | void>;
      try {
        work = Promise.resolve(
          this.request.handler(step, {
            signal: controller.signal,
            attempt,
            log: this.stepLog(step),
            scrubber: this.scrubber,
            results: this.results,
          }),
        );
      } catch (error) {
        work = Promise.reject(error);
      }
      work.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          cleanup();
          reject(error);
        },
      );
    });
  }

  private stepLog(step: PlannedStep): OperationLog {
    return {
      log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
        if (this.done) return;
        const scrubbed = { ...this.scrubber.scrubValue(fields ?? {}), step: step.id };
        try {
          const pending = this.request.journal.event(level, this.scrubber.scrub(message), scrubbed);
          if (pending instanceof Promise) pending.catch((error: unknown) => this.abortWith(error));
        } catch (error) {
          this.abortWith(error);
        }
      },
    };
  }

  private succeed(node: Node): void {
    node.state = 'succeeded';
    this.settled++;
    this.result.succeeded.push(node.step.id);
    for (const dependant of node.dependants) {
      if (--dependant.waitingFor === 0 && dependant.state === 'pending') this.queue.push(dependant);
    }
  }

  private async failNode(node: Node, failure: StepFailure): Promise<void> {
    node.state = 'failed';
    this.result.failed.push({ id: node.step.id, failure });
    // Mark every transitive dependant first (so none is queued meanwhile), record them, and only then count them as
    // settled: the execution must not finish while their records are still being written.
    const blocked: Node[] = [];
    const stack = [...node.dependants];
    while (stack.length > 0) {
      const dependant = stack.pop()!;
      if (dependant.state !== 'pending') continue;
      dependant.state = 'blocked';
      blocked.push(dependant);
      stack.push(...dependant.dependants);
    }
    for (const dependant of blocked) {
      if (this.done) return;
      await this.request.journal.stepBlocked(dependant.step, node.step.id);
      this.result.blocked.push({ id: dependant.step.id, blockedBy: node.step.id });
    }
    this.settled += 1 + blocked.length;
  }

  private interrupt(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.stop.abort(reason);
    for (const controller of [...this.live]) controller.abort(reason);
    this.result.outcome = 'Interrupted';
    for (const node of this.nodes.values())
      if (node.state === 'pending' || node.state === 'running') this.result.unfinished.push(node.step.id);
    this.finish(this.result);
  }

  /** The journal failed: nothing can be recorded any more, so stop everything and reject. */
  private abortWith(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.stop.abort(error);
    for (const controller of [...this.live]) controller.abort(error);
    this.fail(error);
  }
}
