import {
  isCloudComponent,
  type ApplicationSpec,
  type DeletionPolicy,
  type OperationPlan,
  type PlannedChange,
  type PlannedStep,
  type RecordedResource,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';

/** What applying the revision would do to one component. */
export const PLAN_ACTIONS = [
  'create',
  'update',
  'adopt',
  'replace',
  'unchanged',
  'deliver',
  'destroy',
  'retain',
  'remove',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** Which adapter serves a component. */
export interface PlanAdapter {
  /** `provider` for a cloud component, `runtime` for a workload. */
  role: 'provider' | 'runtime';
  kind: string;
  /** The named profile (providerRef.name), `environment default`, or `environment runtime`. */
  profile: string;
  available: boolean;
  reason?: string;
}

export type PreviewStatus = 'ok' | 'unavailable' | 'failed' | 'timeout' | 'skipped';

export interface PlanPreview {
  status: PreviewStatus;
  exact?: boolean;
  changes?: PlannedChange[];
  /** Why there is no preview, or the provider's error (secrets scrubbed). */
  message?: string;
  /** The provider's error code when `failed` / `timeout`. */
  code?: string;
}

export interface PlanComponent {
  name: string;
  type: string;
  category: 'cloud' | 'workload';
  /** False for a component recorded from an earlier revision and no longer in the spec (pruned). */
  inSpec: boolean;
  adapter: PlanAdapter;
  /** Why this adapter: providerRef vs the environment's default profile; workloads: the environment's runtime. */
  why: string;
  action: PlanAction;
  /** Ids of the steps the operation would run for it (none when unchanged). */
  steps: string[];
  /** One line for humans, e.g. "Provision rds db" or "Retain oss media (deletionPolicy Retain)". */
  description: string;
  deletionPolicy?: DeletionPolicy;
  preview?: PlanPreview;
}

export const ENVIRONMENT_DEFAULT = 'environment default';
export const ENVIRONMENT_RUNTIME = 'environment runtime';

/** How one component is served, as the plan needs to know it (resolved by the service). */
export interface ComponentServing {
  adapter: PlanAdapter;
  why: string;
}

/**
 * Turns an apply plan (planOperation) into one entry per component: every component of the spec, then every recorded
 * one no longer in it. Pure: the adapters are resolved by the caller, previews added afterwards.
 */
export function planComponents(
  application: ApplicationSpec,
  recorded: readonly RecordedResource[],
  plan: OperationPlan,
  serving: (component: { name: string; inSpec: boolean }) => ComponentServing,
): PlanComponent[] {
  const stepsOf = new Map<string, PlannedStep[]>();
  for (const step of plan.steps)
    if (step.component) stepsOf.set(step.component, [...(stepsOf.get(step.component) ?? []), step]);
  const records = new Map(recorded.filter((r) => r.phase !== 'Deleted').map((r) => [r.component, r]));
  const result: PlanComponent[] = [];

  for (const component of application.components) {
    const steps = stepsOf.get(component.name) ?? [];
    const record = records.get(component.name);
    let action: PlanAction;
    if (!isCloudComponent(component)) action = 'deliver';
    else if (steps.length === 0) action = 'unchanged';
    else if (steps.some((s) => s.action === 'destroy' || s.action === 'retain')) action = 'replace';
    else if (!record) action = 'create';
    else action = record.retained ? 'adopt' : 'update';
    result.push({
      name: component.name,
      type: component.type,
      category: isCloudComponent(component) ? 'cloud' : 'workload',
      inSpec: true,
      ...serving({ name: component.name, inSpec: true }),
      action,
      steps: steps.map((s) => s.id),
      description:
        action === 'unchanged'
          ? `${component.type} ${component.name} unchanged since its last successful apply`
          : steps.map((s) => s.description).join('; '),
      ...(isCloudComponent(component) ? { deletionPolicy: component.deletionPolicy } : {}),
    });
  }

  const inSpec = new Set(application.components.map((c) => c.name));
  for (const record of [...records.values()]
    .filter((r) => !inSpec.has(r.component))
    .sort((a, b) => a.component.localeCompare(b.component))) {
    const steps = stepsOf.get(record.component) ?? [];
    if (steps.length === 0) continue; // already retained: no longer managed, nothing to do
    const step = steps[0]!;
    const action: PlanAction = step.action === 'retain' ? 'retain' : step.action === 'destroy' ? 'destroy' : 'remove';
    result.push({
      name: record.component,
      type: record.type,
      category: BUILTIN_TYPES.isCloud(record.type) ? 'cloud' : 'workload',
      inSpec: false,
      ...serving({ name: record.component, inSpec: false }),
      action,
      steps: steps.map((s) => s.id),
      description: `${step.description} (no longer in the spec)`,
      ...(BUILTIN_TYPES.isCloud(record.type) ? { deletionPolicy: record.deletionPolicy } : {}),
    });
  }
  return result;
}

/** Count of components per action. */
export function summarize(components: readonly PlanComponent[]): Partial<Record<PlanAction, number>> {
  const summary: Partial<Record<PlanAction, number>> = {};
  for (const c of components) summary[c.action] = (summary[c.action] ?? 0) + 1;
  return summary;
}
