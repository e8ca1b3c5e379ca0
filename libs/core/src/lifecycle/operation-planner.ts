import { PlanGraph } from '../graph';
import { isCloudComponent, type ApplicationSpec, type CloudComponentSpec, type OperationKind } from '../model';
import type { TypeRegistry } from '../types';
import { type OperationPlan, type PlanOptions, type PlannedStep, type RecordedResource } from './lifecycle-step';
import { componentPropertiesHash } from './properties-hash';

export interface PlanInput {
  kind: OperationKind;
  /** The desired application: required for `apply`; for `delete` optional (its references add teardown edges). */
  application?: ApplicationSpec;
  /** Every resource the service has recorded for the application (any phase). */
  resources: readonly RecordedResource[];
  /** The types the service knows: a recorded type decides whether a record is torn down as a cloud resource. */
  types: TypeRegistry;
  options?: PlanOptions;
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

/**
 * Turns what is desired and what is recorded into the ordered, durable steps of one operation. Pure and deterministic:
 * the same input always yields the same steps with the same ids, so an operation's plan is computed once, stored,
 * and a resumed operation skips the ids it already completed.
 *
 * Apply leaves out a cloud component whose properties hash equals the last applied one, that is Ready, and none of
 * whose dependencies is provisioned in this operation (see OperationPlan.unchanged): re-running its provider would
 * cost a full provider round trip (minutes for a Pulumi stack) to change nothing, and drift is what `refresh` is
 * for. `options.force` provisions everything. Workloads are always delivered: the runtime's apply is cheap and
 * idempotent, and it is where a new secret version reaches the pods.
 */
export function planOperation(input: PlanInput): OperationPlan {
  switch (input.kind) {
    case 'apply':
      if (!input.application) throw new PlanError('an apply needs the desired application');
      return planApply(input.application, input.resources, input.types, input.options ?? {});
    case 'delete':
      return planDelete(input.application, input.resources, input.types, input.options ?? {});
    case 'refresh':
      return planRefresh(input.resources, input.types);
    case 'rotate':
      if (!input.application) throw new PlanError('a rotation needs the application');
      return planRotate(input.application, input.options?.component);
  }
}

/** The steps still to run after `completed`: dependencies on completed steps are dropped (they are satisfied). */
export function remainingSteps(steps: readonly PlannedStep[], completed: ReadonlySet<string>): PlannedStep[] {
  if (completed.size === 0) return [...steps];
  return steps
    .filter((step) => !completed.has(step.id))
    .map((step) => ({ ...step, dependsOn: step.dependsOn.filter((id) => !completed.has(id)) }));
}

function planApply(
  application: ApplicationSpec,
  resources: readonly RecordedResource[],
  types: TypeRegistry,
  options: PlanOptions,
): OperationPlan {
  const graph = PlanGraph.fromApplication(application);
  const cycle = graph.findCycle();
  if (cycle) throw new PlanError(`dependency cycle: ${cycle.join(' → ')}`);
  const order = graph.topologicalOrder();
  const byName = new Map(application.components.map((c) => [c.name, c]));
  const recorded = activeRecords(resources);

  const provisioned = new Set<string>();
  const unchanged: string[] = [];
  for (const name of order) {
    const component = byName.get(name)!;
    if (!isCloudComponent(component)) continue;
    if (needsProvisioning(component, recorded.get(name), graph.dependenciesOf(name), provisioned, options))
      provisioned.add(name);
    else unchanged.push(name);
  }

  const stepIdOf = (name: string): string | undefined => {
    const component = byName.get(name);
    if (!component) return undefined;
    if (isCloudComponent(component)) return provisioned.has(name) ? `provision:${name}` : undefined;
    return `deliver:${name}`;
  };
  const dependencySteps = (name: string) =>
    graph
      .dependenciesOf(name)
      .sort()
      .map(stepIdOf)
      .filter((id): id is string => id !== undefined);

  const steps: PlannedStep[] = [];
  for (const name of order) {
    const component = byName.get(name)!;
    if (isCloudComponent(component)) {
      if (!provisioned.has(name)) continue;
      const record = recorded.get(name);
      let verb = record?.retained ? 'Adopt' : record ? 'Update' : 'Provision';
      const before: string[] = [];
      if (record && !record.retained && record.type !== component.type && types.isCloud(record.type)) {
        // The component changed type: the recorded resource goes first (per its policy), then the new one is created.
        const keep = options.orphan || record.deletionPolicy === 'Retain';
        const id = `${keep ? 'retain' : 'destroy'}:${name}`;
        steps.push({
          id,
          action: keep ? 'retain' : 'destroy',
          component: name,
          type: record.type,
          dependsOn: [],
          description: `${keep ? 'Retain' : 'Destroy'} ${record.type} ${name} (replaced by ${component.type})`,
        });
        before.push(id);
        verb = 'Provision';
      }
      steps.push({
        id: `provision:${name}`,
        action: 'provision',
        component: name,
        type: component.type,
        dependsOn: [...before, ...dependencySteps(name)],
        description: `${verb} ${component.type} ${name}`,
      });
    }
  }
  for (const name of order) {
    const component = byName.get(name)!;
    if (isCloudComponent(component)) continue;
    steps.push({
      id: `deliver:${name}`,
      action: 'deliver',
      component: name,
      type: component.type,
      dependsOn: dependencySteps(name),
      description: `Deliver ${component.type} ${name}`,
    });
  }

  // Prune: what is recorded but no longer in the spec, once the kept components have converged (a re-delivered
  // workload stops using a removed database before the database goes), dependants before their dependencies.
  const converged = steps.map((s) => s.id);
  const removed = [...recorded.values()].filter((r) => !byName.has(r.component) && !r.retained);
  steps.push(...teardownSteps(removed, converged, types, options, undefined, 'remove-workload'));

  return { kind: 'apply', steps, unchanged };
}

function needsProvisioning(
  component: CloudComponentSpec,
  record: RecordedResource | undefined,
  dependencies: string[],
  provisioned: ReadonlySet<string>,
  options: PlanOptions,
): boolean {
  if (options.force || !record || record.retained || record.phase !== 'Ready') return true;
  if (record.type !== component.type || record.propertiesHash !== componentPropertiesHash(component)) return true;
  return dependencies.some((d) => provisioned.has(d));
}

function planDelete(
  application: ApplicationSpec | undefined,
  resources: readonly RecordedResource[],
  types: TypeRegistry,
  options: PlanOptions,
): OperationPlan {
  const steps: PlannedStep[] = [
    { id: 'remove-workloads', action: 'remove-workloads', dependsOn: [], description: 'Remove every workload' },
  ];
  const present = [...activeRecords(resources).values()].filter((r) => !r.retained && types.isCloud(r.type));
  const teardown = teardownSteps(present, ['remove-workloads'], types, options, application);
  steps.push(...teardown);
  steps.push({
    id: 'remove-secrets',
    action: 'remove-secrets',
    dependsOn: teardown.length > 0 ? teardown.map((s) => s.id) : ['remove-workloads'],
    description: 'Remove the connection secrets from the runtime',
  });
  steps.push({
    id: 'finalize',
    action: 'finalize',
    dependsOn: ['remove-secrets'],
    description: 'Remove the application',
  });
  return { kind: 'delete', steps, unchanged: [] };
}

function planRefresh(resources: readonly RecordedResource[], types: TypeRegistry): OperationPlan {
  const steps = [...activeRecords(resources).values()]
    .filter((r) => !r.retained && types.isCloud(r.type))
    .sort((a, b) => a.component.localeCompare(b.component))
    .map<PlannedStep>((r) => ({
      id: `refresh:${r.component}`,
      action: 'refresh',
      component: r.component,
      type: r.type,
      dependsOn: [],
      description: `Refresh ${r.type} ${r.component}`,
    }));
  return { kind: 'refresh', steps, unchanged: [] };
}

/**
 * Rotation of one cloud component's credentials: `rotate:<c>` (new credentials, new secret version), then every
 * workload referencing it is delivered again (its bindings checksum changed, so it rolls; the runtime returns after the
 * rollout), then `revoke:<c>` retires the old credentials once all of them are delivered.
 */
function planRotate(application: ApplicationSpec, component: string | undefined): OperationPlan {
  const target = application.components.find((c) => c.name === component);
  if (!target || !isCloudComponent(target))
    throw new PlanError(`rotate: ${String(component)} is not a cloud component of the application`);
  const graph = PlanGraph.fromApplication(application);
  const rotateId = `rotate:${target.name}`;
  const steps: PlannedStep[] = [
    {
      id: rotateId,
      action: 'rotate',
      component: target.name,
      type: target.type,
      dependsOn: [],
      description: `Rotate credentials of ${target.type} ${target.name}`,
    },
  ];
  for (const name of graph.topologicalOrder()) {
    const workload = application.components.find((c) => c.name === name);
    if (!workload || isCloudComponent(workload) || !graph.dependenciesOf(name).includes(target.name)) continue;
    steps.push({
      id: `deliver:${name}`,
      action: 'deliver',
      component: name,
      type: workload.type,
      dependsOn: [rotateId],
      description: `Deliver ${workload.type} ${name}`,
    });
  }
  steps.push({
    id: `revoke:${target.name}`,
    action: 'revoke',
    component: target.name,
    type: target.type,
    dependsOn: steps.map((s) => s.id),
    description: `Revoke the previous credentials of ${target.type} ${target.name}`,
  });
  return { kind: 'rotate', steps, unchanged: [] };
}

/**
 * Steps that take `records` away, each after `after` and after every step taking away a record that depends on it.
 * Workload records become `remove-workload` (pruning); cloud records `retain` (Retain policy or orphan) or `destroy`.
 */
function teardownSteps(
  records: RecordedResource[],
  after: string[],
  types: TypeRegistry,
  options: PlanOptions,
  application: ApplicationSpec | undefined,
  workloadAction?: 'remove-workload',
): PlannedStep[] {
  const names = new Set(records.map((r) => r.component));
  const edges: Array<{ from: string; to: string }> = [];
  for (const record of records) for (const to of record.dependsOn ?? []) edges.push({ from: record.component, to });
  if (application) {
    const graph = PlanGraph.fromApplication(application);
    for (const from of graph.nodes) for (const to of graph.dependenciesOf(from)) edges.push({ from, to });
  }
  const graph = acyclic(
    [...names].sort(),
    edges.filter((e) => names.has(e.from) && names.has(e.to)),
  );
  const byName = new Map(records.map((r) => [r.component, r]));
  const stepId = new Map<string, string>();
  const steps: PlannedStep[] = [];
  for (const name of teardownOrder(graph)) {
    const record = byName.get(name)!;
    let step: Omit<PlannedStep, 'dependsOn'>;
    if (!types.isCloud(record.type)) {
      if (!workloadAction) continue;
      step = {
        id: `remove-workload:${name}`,
        action: 'remove-workload',
        component: name,
        type: record.type,
        description: `Remove ${record.type} ${name}`,
      };
    } else if (options.orphan || record.deletionPolicy === 'Retain') {
      const why = options.orphan ? 'orphan' : 'deletionPolicy Retain';
      step = {
        id: `retain:${name}`,
        action: 'retain',
        component: name,
        type: record.type,
        description: `Retain ${record.type} ${name} (${why})`,
      };
    } else {
      step = {
        id: `destroy:${name}`,
        action: 'destroy',
        component: name,
        type: record.type,
        description: `Destroy ${record.type} ${name}`,
      };
    }
    stepId.set(name, step.id);
    const dependants = graph
      .dependantsOf(name)
      .sort()
      .map((d) => stepId.get(d))
      .filter((id): id is string => id !== undefined);
    steps.push({ ...step, dependsOn: [...after, ...dependants] });
  }
  return steps;
}

/**
 * Recorded references come from different revisions and could, in theory, form a cycle; teardown then drops the edges
 * that close it rather than refusing to delete.
 */
function acyclic(nodes: string[], edges: Array<{ from: string; to: string }>): PlanGraph {
  let remaining = edges;
  for (;;) {
    const graph = new PlanGraph(nodes, remaining);
    const cycle = graph.findCycle();
    if (!cycle) return graph;
    const [from, to] = cycle;
    remaining = remaining.filter((e) => !(e.from === from && e.to === to));
  }
}

/** Dependants first, in layers: each layer only after every component depending on it; names sorted within a layer. */
function teardownOrder(graph: PlanGraph): string[] {
  const waiting = new Map(graph.nodes.map((node) => [node, new Set(graph.dependantsOf(node))]));
  const order: string[] = [];
  while (waiting.size > 0) {
    const layer = [...waiting]
      .filter(([, dependants]) => dependants.size === 0)
      .map(([node]) => node)
      .sort();
    for (const node of layer) waiting.delete(node);
    for (const dependants of waiting.values()) for (const node of layer) dependants.delete(node);
    order.push(...layer);
  }
  return order;
}

function activeRecords(resources: readonly RecordedResource[]): Map<string, RecordedResource> {
  return new Map(resources.filter((r) => r.phase !== 'Deleted').map((r) => [r.component, r]));
}
