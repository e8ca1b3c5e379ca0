import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { JobEvent } from '../events/engine-events';
import type { Env } from '../program/program';
import type { PulumiWorkspace } from '../workspace/pulumi-workspace.port';
import { runStackJob, type JobResult, type StackJob } from './stack-job';

export interface LaunchOptions {
  /**
   * Aborted at the run's deadline: the run is asked to stop cleanly (the automation API interrupts the pulumi CLI,
   * which ends the update, saves its state and releases the stack's lock). The run then settles by itself.
   */
  cancel: AbortSignal;
  /** Aborted when the grace after the deadline is over: the run must end now (the fork launcher kills it). */
  kill: AbortSignal;
  onEvent: (event: JobEvent) => void;
}

/** Runs one stack job somewhere: in a child process (production) or in this process (unit tests). */
export interface JobLauncher {
  run(job: StackJob, options: LaunchOptions): Promise<JobResult>;
}

/** The error of a run stopped by a signal: its reason when that is a ProviderError, else a Timeout. */
export function abortedError(signal: AbortSignal): ProviderError {
  const reason: unknown = signal.reason;
  if (reason instanceof ProviderError) return reason;
  return new ProviderError(
    ProviderErrorCode.Timeout,
    reason instanceof Error ? reason.message : 'the Pulumi run was stopped',
  );
}

/**
 * No isolation: for tests that drive the job logic against an injected workspace. A cancel reaches the workspace
 * as the run's signal; on kill the run is abandoned (nothing in-process can be killed) and the promise rejects.
 */
export class InProcessJobLauncher implements JobLauncher {
  constructor(
    private readonly workspace: PulumiWorkspace,
    private readonly env: Env = process.env,
  ) {}

  run(job: StackJob, options: LaunchOptions): Promise<JobResult> {
    return new Promise<JobResult>((resolve, reject) => {
      if (options.kill.aborted) return reject(abortedError(options.kill));
      const onKill = () => reject(abortedError(options.kill));
      options.kill.addEventListener('abort', onKill, { once: true });
      runStackJob(job, this.workspace, options.onEvent, this.env, options.cancel)
        .then(resolve, reject)
        .finally(() => options.kill.removeEventListener('abort', onKill));
    });
  }
}
