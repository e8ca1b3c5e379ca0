import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ProviderError,
  ProviderErrorCode,
  type CloudComponentType,
  type OperationLog,
  type ResourceRequest,
} from '@berth/core';
import { stackName } from '../naming/resource-names';
import { readAlicloudSettings, validateAlicloudProfile } from '../profile/alicloud-profile';
import { KeyedMutex, Semaphore } from './concurrency';
import type { JobLauncher } from './job-launcher';
import { resolvePassphrase } from './passphrase';
import type { PulumiCliLocator } from './pulumi-cli';
import type { StackConfig } from './pulumi-workspace.port';
import type { JobResult, StackJob, StackOperation } from './stack-job';

export const PULUMI_PROJECT = 'berth';

/** Watchdog per type (RDS is the slowest to create and delete). */
export const DEFAULT_TIMEOUTS_MS: Readonly<Record<CloudComponentType, number>> = {
  rds: 60 * 60_000,
  slb: 15 * 60_000,
  oss: 10 * 60_000,
  vpc: 15 * 60_000,
};

export interface PulumiDriverOptions {
  /** Broker data directory: backend `file://<dataDir>/pulumi`, `pulumi-home/`, `pulumi-work/`, `pulumi-passphrase`. */
  dataDir: string;
  launcher: JobLauncher;
  cli: PulumiCliLocator;
  /** Runs at once across all stacks; default BERTH_PULUMI_CONCURRENCY or 2. */
  concurrency?: number;
  timeoutsMs?: Partial<Record<CloudComponentType, number>>;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface DriverRun {
  operation: StackOperation;
  request: ResourceRequest;
  log: OperationLog;
  /** Replaces the request's externalIds for this run (e.g. the access-key generations of a rotation). */
  externalIds?: Record<string, string>;
  /** Replaces the request's secret properties for this run (e.g. a new password). */
  secretProperties?: Record<string, string>;
}

/**
 * Runs Pulumi operations: one stack per (environment, application, component) in project `berth`, one operation per
 * stack at a time, at most N at once, each in a fresh work directory, under a watchdog, through a launcher that
 * isolates the run from this process.
 */
export class PulumiDriver {
  private readonly semaphore: Semaphore;
  private readonly stacks = new KeyedMutex();
  /** Stacks whose last run our watchdog killed: their lock is ours and stale. */
  private readonly killed = new Set<string>();
  private readonly env: Readonly<Record<string, string | undefined>>;

  constructor(private readonly options: PulumiDriverOptions) {
    this.env = options.env ?? process.env;
    this.semaphore = new Semaphore(options.concurrency ?? concurrencyFromEnv(this.env));
  }

  get concurrency(): number {
    return this.semaphore.limit;
  }

  static stackName(request: Pick<ResourceRequest, 'environment' | 'application' | 'component'>): string {
    return stackName(request.environment, request.application, request.component);
  }

  timeoutMs(request: ResourceRequest): number {
    const fromProfile = readAlicloudSettings(request.profile).timeouts?.[request.type];
    if (fromProfile !== undefined) return fromProfile * 1000;
    return this.options.timeoutsMs?.[request.type] ?? DEFAULT_TIMEOUTS_MS[request.type];
  }

  backendUrl(request: ResourceRequest): string {
    return readAlicloudSettings(request.profile).backendUrl ?? pathToFileURL(join(this.options.dataDir, 'pulumi')).href;
  }

  async run(run: DriverRun): Promise<JobResult> {
    const { request, log } = run;
    const problems = validateAlicloudProfile(request.profile);
    if (problems.length > 0) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `profile settings: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`,
      );
    }
    const cli = await this.options.cli.detect();
    if (!cli.available)
      throw new ProviderError(ProviderErrorCode.Unavailable, cli.reason ?? 'the pulumi CLI is not available');

    const name = PulumiDriver.stackName(request);
    return this.stacks.run(name, () =>
      this.semaphore.run(async () => {
        if (request.signal.aborted)
          throw abortError(request.signal, `${run.operation} of ${name} was cancelled before it started`);
        const backendUrl = this.backendUrl(request);
        if (backendUrl.startsWith('file://')) await mkdir(new URL(backendUrl), { recursive: true });
        const pulumiHome = join(this.options.dataDir, 'pulumi-home');
        const workRoot = join(this.options.dataDir, 'pulumi-work');
        await mkdir(pulumiHome, { recursive: true });
        await mkdir(workRoot, { recursive: true });
        const workDir = await mkdtemp(join(workRoot, `${name}-`));
        const timeoutMs = this.timeoutMs(request);
        const watchdog = new AbortController();
        const onCallerAbort = () =>
          watchdog.abort(abortError(request.signal, `${run.operation} of stack ${name} was cancelled`));
        request.signal.addEventListener('abort', onCallerAbort, { once: true });
        const timer = setTimeout(
          () =>
            watchdog.abort(
              new ProviderError(
                ProviderErrorCode.Timeout,
                `pulumi ${run.operation} of stack ${name} ran past its ${Math.round(timeoutMs / 1000)} s watchdog and was stopped`,
              ),
            ),
          timeoutMs,
        );
        try {
          const job = this.job(
            run,
            name,
            {
              backendUrl,
              workDir,
              pulumiHome,
              pulumiCommand: cli.command,
              passphrase: await resolvePassphrase(this.options.dataDir, this.env),
            },
            timeoutMs,
          );
          log.log('info', `pulumi ${run.operation} of stack ${name}`, {
            stack: name,
            project: PULUMI_PROJECT,
            operation: run.operation,
          });
          const result = await this.options.launcher.run(job, {
            signal: watchdog.signal,
            onEvent: (e) => log.log(e.level, e.message, { stack: name, ...(e.fields ?? {}) }),
          });
          this.killed.delete(name);
          return result;
        } catch (error) {
          if (watchdog.signal.aborted) this.killed.add(name);
          throw error instanceof ProviderError ? error : ProviderError.from(error);
        } finally {
          clearTimeout(timer);
          request.signal.removeEventListener('abort', onCallerAbort);
          await rm(workDir, { recursive: true, force: true });
        }
      }),
    );
  }

  private job(
    run: DriverRun,
    name: string,
    s: Omit<StackJob['settings'], 'projectName' | 'stackName'>,
    timeoutMs: number,
  ): StackJob {
    const { request } = run;
    const secrets = run.secretProperties ?? request.secretProperties;
    const settings = readAlicloudSettings(request.profile);
    const config: StackConfig = {
      'alicloud:region': { value: settings.region },
      // Every resource must go through the program's explicit provider.
      'pulumi:disable-default-providers': { value: '["alicloud"]' },
      'berth:environment': { value: request.environment },
      'berth:application': { value: request.application },
      'berth:component': { value: request.component },
    };
    for (const [key, value] of Object.entries(secrets)) config[`berth:${key}`] = { value, secret: true };
    return {
      operation: run.operation,
      settings: { ...s, projectName: PULUMI_PROJECT, stackName: name },
      config,
      program: {
        environment: request.environment,
        application: request.application,
        component: request.component,
        type: request.type,
        profile: request.profile,
        properties: request.properties,
        dependencies: request.dependencies,
        externalIds: run.externalIds ?? request.externalIds,
        idempotencyKey: request.idempotencyKey,
      },
      secretNames: Object.keys(secrets),
      forceUnlock: this.killed.has(name),
      staleLockAfterMs: timeoutMs + 60_000,
    };
  }
}

function concurrencyFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.BERTH_PULUMI_CONCURRENCY;
  if (raw === undefined || raw === '') return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`BERTH_PULUMI_CONCURRENCY must be a positive integer, got "${raw}"`);
  return n;
}

function abortError(signal: AbortSignal, fallback: string): ProviderError {
  return signal.reason instanceof ProviderError
    ? signal.reason
    : new ProviderError(ProviderErrorCode.Timeout, fallback);
}
