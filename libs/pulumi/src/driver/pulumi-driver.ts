import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ProviderError,
  ProviderErrorCode,
  formatSettingProblem,
  type DriftReport,
  type OperationLog,
  type PlannedChange,
  type ResourceRequest,
} from '@berth/core';
import type { PulumiCliLocator } from '../cli/pulumi-cli';
import { KeyedMutex } from '../concurrency/keyed-mutex';
import { Semaphore } from '../concurrency/semaphore';
import type { Env, ProgramRequest } from '../program/program';
import type { JobLauncher } from '../runner/job-launcher';
import type { JobResult, StackJob, StackOperation } from '../runner/stack-job';
import { readPulumiSettings } from '../settings/pulumi.settings';
import { resolvePassphrase } from '../stack/passphrase';
import { PULUMI_PROJECT, stackNameOf } from '../stack/stack-name';
import type { StackConfig, StackOutputs, StackSettings } from '../workspace/pulumi-workspace.port';
import { RunDeadline } from './run-deadline';
import type { StackConfigurator } from './stack-configurator.port';

/** After a run's deadline, how long Pulumi may take to stop cleanly before its runner is killed. */
export const DEFAULT_CANCEL_GRACE_MS = 30_000;

/** Added to the longest run a lock's holder may have had before the lock counts as stale. */
const STALE_LOCK_MARGIN_MS = 60_000;

export interface PulumiDriverOptions {
  /** Broker data directory: backend `file://<dataDir>/pulumi`, `pulumi-home/`, `pulumi-work/`, `pulumi-passphrase`. */
  dataDir: string;
  /** The provider's side: profile checks, stack config, backend, credential env vars, programs. */
  configurator: StackConfigurator;
  launcher: JobLauncher;
  cli: PulumiCliLocator;
  /** Runs at once across all stacks; default BERTH_PULUMI_CONCURRENCY (when valid: see settings/) or 2. */
  concurrency?: number;
  /** After a run's deadline, how long Pulumi may take to stop cleanly before the runner is killed (default 30 s). */
  cancelGraceMs?: number;
  /**
   * The longest deadline any caller gives a run (the longest lifecycle step timeout). A stack lock older than that
   * (plus the grace and a minute) is stale. Without it only a lock whose holder is gone, or that a run stopped by
   * our deadline left, is cleared.
   */
  longestDeadlineMs?: number;
  env?: Env;
}

export interface DriverRun {
  operation: StackOperation;
  /** Its `signal` is the run's deadline: when it aborts, the run is cancelled (then killed after the grace). */
  request: ResourceRequest;
  /** Where engine events go; default: nowhere (previews, refreshes). */
  log?: OperationLog;
  /**
   * The run's own deadline in ms, for a caller whose signal does not carry one: the earlier of the two wins. The one
   * seam for per-type timeouts; the driver has no table of its own.
   */
  timeoutMs?: number;
  /** Replaces the request's externalIds for this run (e.g. the access-key generations of a rotation). */
  externalIds?: Record<string, string>;
  /** Replaces the request's secret properties for this run (e.g. a new password). */
  secretProperties?: Record<string, string>;
}

export type TypedRun = Omit<DriverRun, 'operation'>;

const DISCARD: OperationLog = { log: () => undefined };

/**
 * Runs Pulumi operations: one stack per (environment, application, component) in project `berth`, one operation per
 * stack at a time, at most N at once, each in a fresh work directory, under the caller's deadline, through a
 * launcher that isolates the run from this process. What depends on the cloud comes from the configurator.
 */
export class PulumiDriver {
  private readonly semaphore: Semaphore;
  private readonly stacks = new KeyedMutex();
  /** Stacks whose last run was stopped at its deadline: their lock, if one is left, is ours and stale. */
  private readonly stopped = new Set<string>();
  private readonly env: Env;
  private readonly graceMs: number;

  constructor(private readonly options: PulumiDriverOptions) {
    this.env = options.env ?? process.env;
    this.semaphore = new Semaphore(options.concurrency ?? concurrencyOf(this.env));
    this.graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  }

  get concurrency(): number {
    return this.semaphore.limit;
  }

  backendUrl(request: ResourceRequest): string {
    return this.options.configurator.backendUrl(request) ?? pathToFileURL(join(this.options.dataDir, 'pulumi')).href;
  }

  async up(run: TypedRun): Promise<StackOutputs> {
    return expectResult(await this.run({ ...run, operation: 'up' }), 'up').outputs;
  }

  async preview(run: TypedRun): Promise<PlannedChange[]> {
    return expectResult(await this.run({ ...run, operation: 'preview' }), 'preview').changes;
  }

  async refresh(run: TypedRun): Promise<DriftReport> {
    return expectResult(await this.run({ ...run, operation: 'refresh' }), 'refresh').drift;
  }

  async destroy(run: TypedRun): Promise<void> {
    expectResult(await this.run({ ...run, operation: 'destroy' }), 'destroy');
  }

  async run(run: DriverRun): Promise<JobResult> {
    const { request } = run;
    const log = run.log ?? DISCARD;
    const problems = this.options.configurator.validateProfile(request.profile);
    if (problems.length > 0) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `profile settings: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`,
      );
    }
    const cli = await this.options.cli.detect();
    if (!cli.available)
      throw new ProviderError(ProviderErrorCode.Unavailable, cli.reason ?? 'the pulumi CLI is not available');

    const name = stackNameOf(request);
    return this.stacks.run(name, () =>
      this.semaphore.run(async () => {
        const what = `pulumi ${run.operation} of stack ${name}`;
        const deadline = new RunDeadline({
          signal: request.signal,
          graceMs: this.graceMs,
          what,
          ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
        });
        if (deadline.expired) {
          deadline.dispose();
          throw deadline.reason!;
        }
        const backendUrl = this.backendUrl(request);
        let workDir: string | undefined;
        try {
          workDir = await this.prepareDirs(backendUrl, name);
          const job = this.job(run, name, {
            backendUrl,
            workDir,
            pulumiHome: join(this.options.dataDir, 'pulumi-home'),
            pulumiCommand: cli.command,
            passphrase: await resolvePassphrase(this.options.dataDir, this.env),
          });
          log.log('info', what, { stack: name, project: PULUMI_PROJECT, operation: run.operation });
          const result = await this.options.launcher.run(job, {
            cancel: deadline.cancel,
            kill: deadline.kill,
            onEvent: (e) => log.log(e.level, e.message, { stack: name, ...(e.fields ?? {}) }),
          });
          this.stopped.delete(name);
          return result;
        } catch (error) {
          if (deadline.expired) {
            this.stopped.add(name);
            throw deadline.reason!;
          }
          throw error instanceof ProviderError ? error : ProviderError.from(error);
        } finally {
          deadline.dispose();
          if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
        }
      }),
    );
  }

  /** The backend directory (file backend), the shared PULUMI_HOME, and a fresh work directory for this run. */
  private async prepareDirs(backendUrl: string, name: string): Promise<string> {
    if (backendUrl.startsWith('file://')) await mkdir(new URL(backendUrl), { recursive: true });
    await mkdir(join(this.options.dataDir, 'pulumi-home'), { recursive: true });
    const workRoot = join(this.options.dataDir, 'pulumi-work');
    await mkdir(workRoot, { recursive: true });
    return mkdtemp(join(workRoot, `${name}-`));
  }

  private job(run: DriverRun, name: string, s: Omit<StackSettings, 'projectName' | 'stackName'>): StackJob {
    const { request } = run;
    const { configurator } = this.options;
    const secrets = run.secretProperties ?? request.secretProperties;
    const config: StackConfig = {
      ...configurator.stackConfig(request),
      'berth:environment': { value: request.environment },
      'berth:application': { value: request.application },
      'berth:component': { value: request.component },
    };
    for (const [key, value] of Object.entries(secrets)) config[`berth:${key}`] = { value, secret: true };
    const longest = Math.max(this.options.longestDeadlineMs ?? 0, run.timeoutMs ?? 0);
    return {
      operation: run.operation,
      settings: { ...s, projectName: PULUMI_PROJECT, stackName: name },
      config,
      program: { ...programRequestOf(request), externalIds: run.externalIds ?? request.externalIds },
      programModule: configurator.programModule,
      secretNames: Object.keys(secrets),
      secretEnv: configurator.credentialEnv(request),
      forceUnlock: this.stopped.has(name),
      ...(longest > 0 ? { staleLockAfterMs: longest + this.graceMs + STALE_LOCK_MARGIN_MS } : {}),
      cancelGraceMs: this.graceMs,
    };
  }
}

/** The request without what must not travel to a runner: its signal, and its secrets (they go as secret config). */
function programRequestOf(request: ResourceRequest): ProgramRequest {
  const { signal: _signal, secretProperties: _secrets, ...program } = request;
  return program;
}

function expectResult<K extends JobResult['operation']>(
  result: JobResult,
  operation: K,
): Extract<JobResult, { operation: K }> {
  if (result.operation !== operation) {
    throw new ProviderError(
      ProviderErrorCode.Internal,
      `the Pulumi runner answered ${result.operation} to a ${operation}`,
    );
  }
  return result as Extract<JobResult, { operation: K }>;
}

/** BERTH_PULUMI_CONCURRENCY (default 2); a bad value is an error naming it, as boot names it. */
function concurrencyOf(env: Env): number {
  const settings = readPulumiSettings(env);
  const bad = settings.problems.find((problem) => problem.variable === 'BERTH_PULUMI_CONCURRENCY');
  if (bad) throw new Error(formatSettingProblem(bad));
  return settings.concurrency ?? 2;
}
