export const COMPONENT_PHASES = [
  'Pending',
  'Provisioning',
  'Ready',
  'Failed',
  'Deleting',
  'Deleted',
  'Retained',
] as const;
export type ComponentPhase = (typeof COMPONENT_PHASES)[number];

export const APPLICATION_PHASES = [
  'Pending',
  'Provisioning',
  'Ready',
  'Failed',
  'Deleting',
  'DeleteFailed',
  'Deleted',
] as const;
export type ApplicationPhase = (typeof APPLICATION_PHASES)[number];

export const OPERATION_KINDS = ['apply', 'delete', 'refresh', 'rotate'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATES = ['Queued', 'Running', 'Succeeded', 'Failed', 'Superseded'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}
