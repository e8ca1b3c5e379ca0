import type { ComponentPhase, ComponentType, DeletionPolicy, OperationKind } from '../model';

/**
 * What a step does. The service maps each to its ports:
 * - `provision`: ResourceProvider.apply for one cloud component (creates, updates or adopts), then publishes its
 *   connection secret (version + 1) and records the managed resource (phase Ready, properties hash).
 * - `deliver`: WorkloadRuntime.deliver for one workload with its resolved bindings (fails if a binding is not ready).
 * - `remove-workload`: WorkloadRuntime.remove for one workload removed from the spec.
 * - `destroy`: ResourceProvider.destroy for the RECORDED resource of one component (its recorded type: a component
 *   whose type changed is destroyed before it is provisioned anew), then drops its connection secret (record Deleted).
 * - `retain`: no provider call; records the resource as Retained (ids kept so a later apply adopts it) and drops its
 *   connection secret from the runtime.
 * - `remove-workloads`: WorkloadRuntime.remove for every workload of the application (delete).
 * - `remove-secrets`: WorkloadRuntime.remove with includeSecrets for the application's connection secrets (delete).
 * - `finalize`: removes the application, keeping an audit record (delete).
 * - `refresh`: ResourceProvider.refresh for one cloud component; drift becomes a condition.
 * - `rotate`: ResourceProvider.rotate for one cloud component: new credentials (the old ones still valid), published
 *   as a new connection secret version; the revoke handle is the step's result.
 * - `revoke`: once every workload binding the component is delivered and ready, ResourceProvider.revoke with the
 *   handle the `rotate` step returned.
 */
export const STEP_ACTIONS = [
  'provision',
  'deliver',
  'remove-workload',
  'destroy',
  'retain',
  'remove-workloads',
  'remove-secrets',
  'finalize',
  'refresh',
  'rotate',
  'revoke',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** One durable step of an operation. Plain JSON: the service stores the plan with the operation. */
export interface PlannedStep {
  /** Stable within an operation, `<action>:<component>` or `<action>` (e.g. `provision:db`, `finalize`). */
  id: string;
  action: StepAction;
  /** The component the step acts on, when it acts on one. */
  component?: string;
  /** Its type: selects the step's timeout. */
  type?: ComponentType;
  /** Ids of steps that must succeed first. */
  dependsOn: string[];
  /** One line for humans, e.g. "Provision rds db". */
  description: string;
}

export interface OperationPlan {
  kind: OperationKind;
  steps: PlannedStep[];
  /**
   * Cloud components left out of an apply because nothing about them changed: their properties hash equals the last
   * applied one, they are Ready and none of their dependencies is provisioned in this operation.
   */
  unchanged: string[];
}

/** What the service has recorded about a component it manages (a ManagedResource row). */
export interface RecordedResource {
  component: string;
  type: ComponentType;
  deletionPolicy: DeletionPolicy;
  phase: ComponentPhase;
  /** componentPropertiesHash of what was last applied successfully; absent before the first success. */
  propertiesHash?: string;
  /** Kept on purpose (Retain policy or orphan): it still exists, Berth no longer manages it until adopted. */
  retained: boolean;
  /**
   * Components this one referenced when last applied (dependsOn, network, binding targets). Orders the teardown of
   * components that are no longer in the spec: dependants first.
   */
  dependsOn?: string[];
}

export interface PlanOptions {
  /** Delete (and prune) keep every cloud resource, recorded as retained. */
  orphan?: boolean;
  /** Apply provisions every cloud component even when unchanged (e.g. repairing drift). */
  force?: boolean;
  /** Rotate: the cloud component whose credentials are rotated. */
  component?: string;
}
