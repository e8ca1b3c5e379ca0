import { hostname } from 'node:os';
import * as pulumi from '@pulumi/pulumi';
import type { EngineEvent } from '@pulumi/pulumi/automation';
import { ProviderError, ProviderErrorCode, SecretScrubber, type DriftReport, type PlannedChange } from '@berth/core';
import { toJobEvent, toPlannedChange, urnName, type JobEvent } from '../events/engine-events';
import { mapPulumiError } from '../errors/pulumi-error-mapping';
import { EXTERNAL_IDS_OUTPUT, type Env, type ProgramModule, type ProgramRequest } from '../program/program';
import { loadProgramModule, programFor } from '../program/program-module';
import type {
  PulumiStackHandle,
  PulumiWorkspace,
  StackConfig,
  StackOutputs,
  StackSettings,
} from '../workspace/pulumi-workspace.port';

export type StackOperation = 'up' | 'preview' | 'refresh' | 'destroy';

/** One Pulumi run, as sent to a runner process (plain JSON). */
export interface StackJob {
  operation: StackOperation;
  settings: StackSettings;
  /** Stack config; secret properties are `berth:<name>` entries with `secret: true`. */
  config: StackConfig;
  program: ProgramRequest;
  /** The provider's program module (exports `programs`), loaded in the runner. */
  programModule: string;
  /** Names of the secret properties the program reads from `berth:<name>` config. */
  secretNames: string[];
  /** Env vars holding the credentials the program reads: their values never leave the run. */
  secretEnv: string[];
  /** Cancel (remove the lock) before running: the previous run on this stack was stopped by our watchdog. */
  forceUnlock: boolean;
  /** A lock older than this is stale; absent when no caller deadline bounds a run (then only a dead holder is). */
  staleLockAfterMs?: number;
  /** How long the runner lets Pulumi stop cleanly when its parent goes away, before it exits. */
  cancelGraceMs: number;
}

export type JobResult =
  | { operation: 'up'; outputs: StackOutputs }
  | { operation: 'preview'; changes: PlannedChange[] }
  | { operation: 'refresh'; drift: DriftReport }
  | { operation: 'destroy' };

export type Emit = (event: JobEvent) => void;

/**
 * The inline program Pulumi runs: the provider's program for the type (loaded from its module), secret properties
 * read back from the stack's secret config, connection keys and external ids as stack outputs.
 */
export function inlineProgram(job: StackJob, module: ProgramModule, env: Env): () => Promise<Record<string, unknown>> {
  return async () => {
    const config = new pulumi.Config('berth');
    const secrets = Object.fromEntries(job.secretNames.map((name) => [name, config.requireSecret(name)]));
    const out = await programFor(module, job.program)({ ...job.program, secrets, env });
    return { ...out.connection, [EXTERNAL_IDS_OUTPUT]: pulumi.all(out.externalIds) };
  };
}

/** Hides what must never leave a run: secret config, the passphrase, the credentials in the env vars named. */
export function jobScrubber(job: StackJob, env: Env): SecretScrubber {
  const scrubber = new SecretScrubber(
    Object.values(job.config)
      .filter((c) => c.secret)
      .map((c) => c.value),
  );
  scrubber.add(job.settings.passphrase);
  for (const name of job.secretEnv) {
    const value = env[name];
    if (value !== undefined) scrubber.add(value);
  }
  return scrubber;
}

/** Runs one job against a workspace. Used in the runner process (and in-process by tests). */
export async function runStackJob(
  job: StackJob,
  workspace: PulumiWorkspace,
  emit: Emit,
  env: Env = process.env,
  signal?: AbortSignal,
): Promise<JobResult> {
  const scrubber = jobScrubber(job, env);
  const scrub = (text: string) => scrubber.scrub(text);
  let module: ProgramModule | undefined;
  try {
    module = await loadProgramModule(job.programModule);
    const stack = await workspace.openStack(job.settings, inlineProgram(job, module, env));
    await stack.setConfig(job.config);
    if (job.forceUnlock) {
      emit({
        level: 'warn',
        message: `clearing the lock left on stack ${job.settings.stackName} by a run that was stopped`,
      });
      await stack.cancel().catch(() => undefined);
    }
    try {
      return await perform(job, stack, emit, scrub, signal);
    } catch (error) {
      if (mapPulumiError(error, scrub, module.errorRules).code !== ProviderErrorCode.Conflict) throw error;
      const stale = await staleLockReason(job, workspace);
      if (stale === undefined) throw error;
      emit({ level: 'warn', message: `clearing a stale lock on stack ${job.settings.stackName}: ${stale}` });
      await stack.cancel();
      return await perform(job, stack, emit, scrub, signal);
    }
  } catch (error) {
    throw mapPulumiError(error, scrub, module?.errorRules);
  }
}

async function perform(
  job: StackJob,
  stack: PulumiStackHandle,
  emit: Emit,
  scrub: (t: string) => string,
  signal?: AbortSignal,
): Promise<JobResult> {
  const changes: PlannedChange[] = [];
  const refreshed = new Map<string, { gone: boolean; diffs: string[] }>();
  const onEvent = (event: EngineEvent) => {
    const line = toJobEvent(event, scrub);
    if (line) emit(line);
    if (job.operation === 'preview') {
      const change = toPlannedChange(event);
      if (change) changes.push(change);
    }
    if (job.operation === 'refresh') {
      const m = event.resOutputsEvent?.metadata ?? event.resourcePreEvent?.metadata;
      if (m && m.type !== 'pulumi:pulumi:Stack' && !m.type.startsWith('pulumi:providers:')) {
        const entry = refreshed.get(m.urn) ?? { gone: false, diffs: [] };
        if (m.op === 'delete' || (m.old !== undefined && m.new === undefined && event.resOutputsEvent))
          entry.gone = true;
        for (const d of m.diffs ?? []) if (!entry.diffs.includes(d)) entry.diffs.push(d);
        refreshed.set(m.urn, entry);
      }
    }
  };
  const options = { onEvent, ...(signal ? { signal } : {}) };
  switch (job.operation) {
    case 'up':
      return { operation: 'up', outputs: (await stack.up(options)).outputs };
    case 'preview':
      await stack.preview(options);
      return { operation: 'preview', changes };
    case 'refresh': {
      const { resourceChanges } = await stack.refresh(options);
      const differences = [...refreshed.entries()].flatMap(([urn, e]) =>
        e.gone
          ? [{ field: `${urnName(urn)}`, expected: 'exists', actual: 'gone' }]
          : e.diffs.map((d) => ({ field: `${urnName(urn)}.${d}` })),
      );
      const total = refreshed.size;
      const gone = [...refreshed.values()].filter((e) => e.gone).length;
      const drifted = differences.length > 0 || (resourceChanges.update ?? 0) > 0 || (resourceChanges.delete ?? 0) > 0;
      return { operation: 'refresh', drift: { drifted, exists: total === 0 ? false : gone < total, differences } };
    }
    case 'destroy':
      await stack.destroy(options);
      await stack.remove();
      return { operation: 'destroy' };
    default:
      throw new ProviderError(ProviderErrorCode.InvalidRequest, `unknown operation ${String(job.operation)}`);
  }
}

/**
 * Why the stack's lock is stale (its holder is dead, or it is older than any run may last), or undefined when it is
 * live or we cannot tell.
 */
async function staleLockReason(job: StackJob, workspace: PulumiWorkspace): Promise<string | undefined> {
  const locks = await workspace.listLocks?.(job.settings);
  if (locks === undefined || locks.length === 0) return undefined;
  const here = hostname();
  const staleAfter = job.staleLockAfterMs;
  const reasons = locks.map((lock) => {
    if (lock.pid !== undefined && lock.hostname === here && !processAlive(lock.pid))
      return `its holder (pid ${lock.pid}) is gone`;
    if (staleAfter !== undefined && lock.timestamp && Date.now() - lock.timestamp.getTime() > staleAfter)
      return `it is older than ${Math.round(staleAfter / 1000)} s`;
    return undefined;
  });
  return reasons.every((r) => r !== undefined) ? reasons.join('; ') : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
