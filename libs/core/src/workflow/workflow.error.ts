import { CodedError } from '../errors';

export enum WorkflowErrorCode {
  /** `:resume` with no step waiting for it. */
  NotSuspended = 'NotSuspended',
  /** `:retry` of a workflow that has not failed or been terminated. */
  NotRetryable = 'NotRetryable',
  /** `:terminate` (or `:resume`) of a workflow that has already finished. */
  Finished = 'Finished',
  /** `:resume` naming a step the workflow does not have. */
  UnknownStep = 'UnknownStep',
}

export class WorkflowError extends CodedError<WorkflowErrorCode> {}
