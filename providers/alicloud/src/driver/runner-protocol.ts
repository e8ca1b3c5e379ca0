import type { ProviderErrorCode } from '@berth/core';
import type { JobEvent } from './engine-events';
import type { JobResult, StackJob } from './stack-job';

/** Parent → runner. */
export interface RunMessage {
  type: 'run';
  job: StackJob;
  /** Module exporting `createWorkspace(): PulumiWorkspace`; absent = the automation API. Set by tests only. */
  workspaceModule?: string;
}

/** Runner → parent. */
export type RunnerMessage =
  | { type: 'event'; event: JobEvent }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; code: ProviderErrorCode; message: string };
