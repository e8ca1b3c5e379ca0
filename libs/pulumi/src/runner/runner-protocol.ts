import type { ProviderErrorCode } from '@berth/core';
import type { JobEvent } from '../events/engine-events';
import type { JobResult, StackJob } from './stack-job';

/** Parent → runner: the one job of this runner. */
export interface RunMessage {
  type: 'run';
  job: StackJob;
  /** Module exporting `createWorkspace(): PulumiWorkspace`; absent = the automation API. Set by tests only. */
  workspaceModule?: string;
}

/** Parent → runner: the deadline has come; stop the run cleanly (the parent kills the runner after a grace). */
export interface CancelMessage {
  type: 'cancel';
}

export type ParentMessage = RunMessage | CancelMessage;

/** Runner → parent. */
export type RunnerMessage =
  | { type: 'event'; event: JobEvent }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; code: ProviderErrorCode; message: string };
