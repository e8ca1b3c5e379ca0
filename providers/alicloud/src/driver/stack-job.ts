import { hostname } from 'node:os';
import * as pulumi from '@pulumi/pulumi';
import type { EngineEvent } from '@pulumi/pulumi/automation';
import {
  ProviderError,
  ProviderErrorCode,
  type CloudComponentType,
  type DependencyOutputs,
  type DriftReport,
  type JsonObject,
  type PlannedChange,
  type ProviderProfile,
} from '@berth/core';
import { credentialValues } from '../profile/provider-args';
import { EXTERNAL_IDS_OUTPUT } from '../programs/program-input';
import { PROGRAMS } from '../programs/program-registry';
import { toJobEvent, toPlannedChange, urnName, type JobEvent } from './engine-events';
import { mapPulumiError } from './pulumi-error-mapping';
import type {
  PulumiStackHandle,
  PulumiWorkspace,
  StackConfig,
  StackOutputs,
  StackSettings,
} from './pulumi-workspace.port';
import { createScrubber } from './secret-scrubber';

export type StackOperation = 'up' | 'preview' | 'refresh' | 'destroy';

/** The serializable part of a ResourceRequest a program is built from. */
export interface ProgramRequest {
  environment: string;
  application: string;
  component: string;
  type: CloudComponentType;
  profile: ProviderProfile;
  properties: JsonObject;
  dependencies: Record<string, DependencyOutputs>;
  externalIds: Record<string, string>;
  idempotencyKey: string;
}

/** One Pulumi run, as sent to a runner process. */
export interface StackJob {
  operation: StackOperation;
  settings: StackSettings;
  /** Stack config; secret properties are `berth:<name>` entries with `secret: true`. */
  config: StackConfig;
  program: ProgramRequest;
  /** Names of the secret properties the program reads from `berth:<name>` config. */
  secretNames: string[];
  /** Cancel (remove the lock) before running: the previous run on this stack was killed by our watchdog. */
  forceUnlock: boolean;
  /** A lock older than this, or held by a dead process on this host, is stale. */
  staleLockAfterMs: number;
}

export type JobResult =
  | { operation: 'up'; outputs: StackOutputs }
  | { operation: 'preview'; changes: PlannedChange[] }
  | { operation: 'refresh'; drift: DriftReport }
  | { operation: 'destroy' };

export type Emit = (event: JobEvent) => void;

/** The inline program Pulumi runs: the type's program, secrets read back from the stack's secret config. */
export function inlineProgram(
  job: StackJob,
  env: Readonly<Record<string, string | undefined>>,
): () => Promise<Record<string, unknown>> {
  return async () => {
    const config = new pulumi.Config('berth');
    const secrets = Object.fromEntries(job.secretNames.map((name) => [name, config.requireSecret(name)]));
    const out = await PROGRAMS[job.program.type]({ ...job.program, secrets, env });
    return { ...out.connection, [EXTERNAL_IDS_OUTPUT]: pulumi.all(out.externalIds) };
  };
}

/** Secret values that must never leave the runner: secret config, the passphrase, the profile's credentials. */
export function jobSecrets(job: StackJob, env: Readonly<Record<string, string | undefined>>): string[] {
  const values = Object.values(job.config)
    .filter((c) => c.secret)
    .map((c) => c.value);
  values.push(job.settings.passphrase);
  try {
    values.push(...credentialValues(job.program.profile, env));
  } catch {
    // a malformed profile has no credentials to hide
  }
  return values;
}

/** Runs one job against a workspace. Used in the runner process (and in-process by tests). */
export async function runStackJob(
  job: StackJob,
  workspace: PulumiWorkspace,
  emit: Emit,
  env: Readonly<Record<string, string | undefined>> = process.env,
  signal?: AbortSignal,
): Promise<JobResult> {
  const scrub = createScrubber(jobSecrets(job, env));
  try {
    const stack = await workspace.openStack(job.settings, inlineProgram(job, env));
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
      if (mapPulumiError(error).code !== ProviderErrorCode.Conflict) throw error;
      const stale = await staleLockReason(job, workspace);
      if (stale === undefined) throw error;
      emit({ level: 'warn', message: `clearing a stale lock on stack ${job.settings.stackName}: ${stale}` });
      await stack.cancel();
      return await perform(job, stack, emit, scrub, signal);
    }
  } catch (error) {
    throw mapPulumiError(error, scrub);
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

/** Why the stack's lock is stale (its holder is dead, or it is older than the watchdog), or undefined if live/unknown. */
async function staleLockReason(job: StackJob, workspace: PulumiWorkspace): Promise<string | undefined> {
  const locks = await workspace.listLocks?.(job.settings);
  if (locks === undefined || locks.length === 0) return undefined;
  const here = hostname();
  const reasons = locks.map((lock) => {
    if (lock.pid !== undefined && lock.hostname === here && !processAlive(lock.pid))
      return `its holder (pid ${lock.pid}) is gone`;
    if (lock.timestamp && Date.now() - lock.timestamp.getTime() > job.staleLockAfterMs)
      return `it is older than ${Math.round(job.staleLockAfterMs / 1000)} s`;
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
