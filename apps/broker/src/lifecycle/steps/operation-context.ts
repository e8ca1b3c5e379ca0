import type { ApplicationSpec, DriftReport, PlannedStep, StepContext, StepResult } from '@berth/core';
import type {
  ApplicationRepository,
  EnvironmentEntity,
  OperationEntity,
  ResourceStore,
  WorkloadDeliveryRepository,
} from '@berth/persistence';
import type { RuntimeRegistry } from '../../adapters/runtime.registry';
import type { ComponentSecrets } from '../../secrets/revision-secrets';
import type { SecretStore } from '../../secrets/secret-store';
import type { RequestScope, ResourceRequests } from './resource-requests';

/** What one operation's steps work with. */
export interface OperationContext {
  operation: OperationEntity;
  environment: EnvironmentEntity;
  /** Desired application (apply, refresh, rotate), or the current one (delete; absent when already removed). */
  application?: ApplicationSpec;
  /** Secret-valued properties from the revision, by component (e.g. a literal rds password). */
  secretInputs: ComponentSecrets;
  /** The operation's planned steps. */
  steps: readonly PlannedStep[];
  /** Refresh: what differs, by component. */
  drift: Record<string, DriftReport['differences'] & unknown[]>;
  /** Refresh: components whose outputs moved and whose secret was re-issued. */
  reissued: string[];
}

/** The ports and stores the step handlers work over. */
export interface StepDependencies {
  applications: ApplicationRepository;
  resources: ResourceStore;
  deliveries: WorkloadDeliveryRepository;
  runtimes: RuntimeRegistry;
  secrets: SecretStore;
  requests: ResourceRequests;
}

/** The work of one step action. */
export type ActionHandler = (
  ctx: OperationContext,
  step: PlannedStep,
  context: StepContext,
) => Promise<StepResult | void>;

export function scopeOf(ctx: OperationContext): RequestScope {
  return { environment: ctx.environment, application: ctx.operation.applicationName };
}

export function targetOf(ctx: OperationContext): { environment: string; application: string } {
  return { environment: ctx.operation.environmentName, application: ctx.operation.applicationName };
}

export function resourceKey(ctx: OperationContext, component: string) {
  return { environmentName: ctx.operation.environmentName, applicationName: ctx.operation.applicationName, component };
}

/**
 * After a provider or runtime call returns: if the attempt was aborted meanwhile (timed out, or the worker lost its
 * lease and another one resumed the operation), record nothing of it; the attempt that owns the step does.
 */
export function stillOurs(context: StepContext): void {
  context.signal.throwIfAborted();
}

/** Registers the non-empty secret values a provider returned with the step's scrubber. */
export function hideSecretOutputs(context: StepContext, secretOutputs: Record<string, string>): void {
  context.scrubber.addAll(Object.values(secretOutputs).filter((v) => typeof v === 'string' && v.length > 0));
}
