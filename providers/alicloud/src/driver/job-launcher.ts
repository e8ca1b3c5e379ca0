import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { JobEvent } from './engine-events';
import type { PulumiWorkspace } from './pulumi-workspace.port';
import { runStackJob, type JobResult, type StackJob } from './stack-job';

export interface LaunchOptions {
  /** Aborted by the watchdog or the caller: the run must stop (the fork launcher kills the runner). */
  signal: AbortSignal;
  onEvent: (event: JobEvent) => void;
}

/** Runs one stack job somewhere: in a child process (production) or in this process (unit tests). */
export interface JobLauncher {
  run(job: StackJob, options: LaunchOptions): Promise<JobResult>;
}

export function abortedError(signal: AbortSignal): ProviderError {
  const reason: unknown = signal.reason;
  if (reason instanceof ProviderError) return reason;
  return new ProviderError(
    ProviderErrorCode.Timeout,
    reason instanceof Error ? reason.message : 'the Pulumi run was stopped',
  );
}

/** No isolation: for tests that drive the job logic against an injected workspace. */
export class InProcessJobLauncher implements JobLauncher {
  constructor(
    private readonly workspace: PulumiWorkspace,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  run(job: StackJob, options: LaunchOptions): Promise<JobResult> {
    return new Promise<JobResult>((resolve, reject) => {
      if (options.signal.aborted) return reject(abortedError(options.signal));
      const onAbort = () => reject(abortedError(options.signal));
      options.signal.addEventListener('abort', onAbort, { once: true });
      runStackJob(job, this.workspace, options.onEvent, this.env, options.signal)
        .then(resolve, reject)
        .finally(() => {
          options.signal.removeEventListener('abort', onAbort);
        });
    });
  }
}
