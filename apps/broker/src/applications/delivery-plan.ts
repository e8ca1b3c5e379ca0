import { BUILTIN_TYPES } from '@berth/types';
import {
  jsonPointer,
  POLICY_TYPES,
  resourcePolicies,
  type Policy,
  planWorkflow,
  readPolicies,
  readWorkflow,
  deliveryAnnotations,
  sharedOwners,
  withDeliveryAnnotations,
  type DeliveryPlan,
  type EnvironmentRef,
  type WorkflowPlan,
  type PlannedLeafStep,
  type JsonObject,
  type PathSegment,
  type PolicySpec,
  type RawComponent,
  type ValidationProblem,
} from '@berth/core';

/** Every policy type Berth carries out decides what an Application's deliveries get (and where they go). */
const DELIVERING_POLICY_TYPES: ReadonlySet<string> = new Set(POLICY_TYPES);

/** Whether the (raw) document has a policy that makes its deliveries differ from a plain, single-environment apply. */
export function hasDeliveryPolicies(document: unknown): boolean {
  const policies = (document as { spec?: { policies?: unknown } } | null)?.spec?.policies;
  if ((document as { spec?: { workflow?: unknown } } | null)?.spec?.workflow !== undefined) return true;
  return (
    Array.isArray(policies) &&
    policies.some((policy) => DELIVERING_POLICY_TYPES.has((policy as { type?: unknown } | null)?.type as string))
  );
}

/** One (application, environment) delivery: the raw document that environment gets, overrides applied. */
export interface PlannedDelivery {
  environment: string;
  /** The document as if written for that environment alone (no policies): what its own apply validates and stores. */
  document: JsonObject;
  /** The topology's `namespace`, and where it is written (for problems). */
  namespace?: { value: string; path: string };
  /**
   * Its components that shared-resource rules select (provisioned once, for every delivery that has them), and where
   * the shared-resource policy is written (for problems); absent when it has none.
   */
  shared?: { components: string[]; path: string };
}

/**
 * The deliveries of an Application PUT in `home`: its workflow's, else KubeVela's default workflow (one deploy per
 * topology in policy order, each with every override) resolved against the environments, first deploy winning when
 * two select the same environment; `workflow` is the plan to run (absent: the PUT writes every delivery at once,
 * which is the case when the default delivers to the home). Problems (a topology selecting nothing, an override
 * naming a missing component, …) point into the document as written.
 */
export function planDeliveries(
  raw: JsonObject,
  policySpecs: readonly PolicySpec[],
  home: string,
  environments: readonly EnvironmentRef[],
): { deliveries: PlannedDelivery[]; problems: ValidationProblem[]; workflow?: WorkflowPlan } {
  const read = readPolicies(policySpecs);
  const spec = raw.spec as { components?: unknown; workflow?: unknown };
  const steps = readWorkflow(spec.workflow);
  if (read.problems.length || steps.problems.length) {
    return { deliveries: [], problems: [...read.problems, ...steps.problems] };
  }
  const refused = steps.workflow ? unsupportedSteps(steps.workflow.steps) : [];
  if (refused.length) return { deliveries: [], problems: refused };
  const components = (Array.isArray(spec.components) ? spec.components : []) as RawComponent[];
  const planned = planWorkflow({ components, policies: read.policies, environments, home }, steps.workflow);
  if (!planned.plan) return { deliveries: [], problems: planned.problems };
  if (steps.workflow) {
    const atHome = homeDeploys(planned.plan, home);
    if (atHome.length) return { deliveries: [], problems: atHome };
  }
  const namespacePath = (value: string): string => {
    const index = read.policies.findIndex((policy) => policy.type === 'topology' && policy.namespace === value);
    const policy = read.policies[index];
    return policy ? jsonPointer(...(policy.path as PathSegment[]), 'namespace') : '/spec/policies';
  };
  const kept = [
    ...garbageCollectProblems(read.policies, components),
    ...cloudOnlyProblems(read.policies, components, 'apply-once'),
    ...cloudOnlyProblems(read.policies, components, 'read-only'),
  ];
  if (kept.length) return { deliveries: [], problems: kept };
  const metadata = { ...(raw.metadata as JsonObject) };
  const deliveries = new Map<string, PlannedDelivery>();
  // A shared component is provisioned by the first delivery (in the order of the steps) that has it.
  const deployTargets = planned.plan.steps
    .flatMap((s) => (s.type === 'step-group' ? s.subSteps : [s]))
    .flatMap((s) => (s.type === 'deploy' ? s.targets : []));
  const owners = sharedOwners(read.policies, deployTargets);
  const sharing = read.policies.find((policy) => policy.type === 'shared-resource');
  // The policy itself (`spec/policies/<i>`), not its properties: a problem with sharing points at the policy.
  const sharingPath = sharing && jsonPointer(...(sharing.path.slice(0, 3) as PathSegment[]));
  const shared = (components: readonly RawComponent[]): Pick<PlannedDelivery, 'shared'> => {
    const names = components.filter((component) => owners.has(component.name)).map((component) => component.name);
    return names.length && sharingPath ? { shared: { components: names, path: sharingPath } } : {};
  };
  for (const step of planned.plan.steps) {
    if (step.type !== 'deploy') continue;
    for (const target of step.targets) {
      if (deliveries.has(target.environment)) continue;
      const namespace = target.namespace ?? (metadata.namespace as string | undefined);
      const annotations = deliveryAnnotations(read.policies, owners, target.components);
      deliveries.set(target.environment, {
        environment: target.environment,
        document: deliveryDocument(raw, read.policies, { ...target, annotations }),
        ...(target.namespace && namespace ? { namespace: { value: namespace, path: namespacePath(namespace) } } : {}),
        ...shared(target.components),
      });
    }
  }
  // An apply-component step's environment is a delivery too: its component is checked there before anything is stored.
  for (const step of leafSteps(planned.plan)) {
    if (step.type !== 'apply-component' || deliveries.has(step.environment)) continue;
    const target = { environment: step.environment, components: [step.resolved] } as DeliveryPlan;
    if (step.namespace) target.namespace = step.namespace;
    deliveries.set(step.environment, {
      environment: step.environment,
      document: deliveryDocument(raw, read.policies, target),
      ...(step.namespace
        ? { namespace: { value: step.namespace, path: jsonPointer(...step.path, 'properties', 'namespace') } }
        : {}),
    });
  }
  // Without spec.workflow, KubeVela's default (one deploy per topology, in policy order) is run like a workflow, one
  // topology after the other — except when it delivers to the home: the home record then carries its own delivery,
  // and every delivery is written at once by the PUT as before.
  if (!steps.workflow && homeDeploys(planned.plan, home).length) {
    return { deliveries: [...deliveries.values()], problems: [] };
  }
  // The run keeps each target's document as that environment gets it (garbage-collect's Retain applied).
  const workflow = structuredClone(planned.plan);
  for (const step of leafSteps(workflow)) {
    if (step.type === 'apply-component') [step.resolved] = retained(read.policies, [step.resolved]);
    if (step.type !== 'deploy') continue;
    for (const target of step.targets) {
      const annotations = deliveryAnnotations(read.policies, owners, target.components);
      if (Object.keys(annotations).length) target.annotations = annotations;
      target.components = retained(read.policies, target.components);
    }
  }
  return { deliveries: [...deliveries.values()], problems: [], workflow };
}

/** The document one environment gets: the Application's own fields, that target's (overridden) components, no policies. */
export function deliveryDocument(
  raw: JsonObject,
  policies: readonly Policy[],
  target: Pick<DeliveryPlan, 'namespace' | 'components' | 'annotations'>,
): JsonObject {
  const metadata = { ...(raw.metadata as JsonObject) };
  // Only Berth writes what the resource policies decide for a delivery: written values are replaced.
  const annotations = withDeliveryAnnotations(metadata.annotations as JsonObject | undefined, target.annotations);
  if (annotations) metadata.annotations = annotations as JsonObject;
  else delete metadata.annotations;
  return {
    apiVersion: raw.apiVersion ?? null,
    kind: raw.kind ?? null,
    metadata: { ...metadata, ...(target.namespace ? { namespace: target.namespace } : {}) },
    spec: { components: retained(policies, target.components) as unknown as JsonObject[] },
  } as JsonObject;
}

/**
 * The step types the broker carries out (as read: `deploy2env` is a deploy, `webhook` a notification), also inside a
 * step-group; the others are refused by name.
 */
const RUN_STEP_TYPES = new Set(['deploy', 'apply-component', 'suspend', 'notification', 'step-group']);

function unsupportedSteps(
  steps: ReadonlyArray<{ type: string; path: PathSegment[]; subSteps?: unknown }>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const step of steps) {
    if (!RUN_STEP_TYPES.has(step.type)) {
      problems.push({
        path: jsonPointer(...step.path, 'type'),
        message: `the step type "${step.type}" is not carried out by the broker yet; it runs ${[...RUN_STEP_TYPES].join(', ')}`,
      });
    }
    if (Array.isArray(step.subSteps)) problems.push(...unsupportedSteps(step.subSteps as typeof steps));
  }
  return problems;
}

/** The steps that do something, a step-group's subSteps in its place. */
export function leafSteps(plan: WorkflowPlan): PlannedLeafStep[] {
  return plan.steps.flatMap((step) => (step.type === 'step-group' ? step.subSteps : [step]));
}

/** A workflow's deliveries are records in other environments; the home record holds the run, not a delivery. */
function homeDeploys(plan: WorkflowPlan, home: string): ValidationProblem[] {
  return leafSteps(plan)
    .filter((step) =>
      step.type === 'deploy'
        ? step.targets.some((target) => target.environment === home)
        : step.type === 'apply-component' && step.environment === home,
    )
    .map((step) => ({
      path: jsonPointer(...step.path, 'properties', step.type === 'deploy' ? 'policies' : 'cluster'),
      message: `delivers to environment ${home}, where the Application is PUT; with a workflow Berth delivers only to other environments (PUT it in an environment no step deploys to${step.type === 'deploy' ? '' : ', and name the cluster'})`,
    }));
}

/**
 * A problem found validating one environment's delivery, pointed back into the document as written: a component
 * path goes to the component of that name as written (or, when an override added it, to the policies), and the
 * message names the environment.
 */
export function deliveryProblem(
  problem: ValidationProblem,
  delivery: PlannedDelivery,
  written: readonly RawComponent[],
): ValidationProblem {
  const message = `in environment ${delivery.environment} (overrides applied): ${problem.message}`;
  const match = /^\/spec\/components\/(\d+)(.*)$/.exec(problem.path);
  if (!match) return { path: problem.path, message };
  const components = (delivery.document.spec as { components: RawComponent[] }).components;
  const name = components[Number(match[1])]?.name;
  const index = written.findIndex((component) => component.name === name);
  if (index >= 0 && written[index]!.type === components[Number(match[1])]!.type) {
    return { path: `/spec/components/${index}${match[2]}`, message };
  }
  return {
    path: '/spec/policies',
    message: `${message} (component ${name ?? match[1]}, added or changed by an override)`,
  };
}

/** What garbage-collect decides for a component: kept both ways (Retain), deleted both ways, or a mix. */
function keeping(policies: readonly Policy[], component: RawComponent): 'keep' | 'collect' | 'mixed' {
  const decided = resourcePolicies(policies, component);
  const onRemove = decided.whenRemovedFromSpec === 'keep';
  const onDelete = decided.whenApplicationDeleted === 'keep';
  return onRemove && onDelete ? 'keep' : !onRemove && !onDelete ? 'collect' : 'mixed';
}

/**
 * The garbage-collect rules Berth cannot carry out: trait selectors, continueOnFailure, a component kept one way and
 * deleted the other (Berth has one deletionPolicy for removal from the spec and deletion of the application), and
 * keeping a workload. Reported at the policy, naming the component.
 */
function garbageCollectProblems(policies: readonly Policy[], components: readonly RawComponent[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const policy of policies) {
    if (policy.type !== 'garbage-collect') continue;
    const at = (...more: PathSegment[]) => jsonPointer(...(policy.path as PathSegment[]), ...more);
    if (policy.continueOnFailure) {
      problems.push({
        path: at('continueOnFailure'),
        message: 'is not carried out by Berth: a failed teardown stops the delete (retry it)',
      });
    }
    policy.rules.forEach((rule, j) => {
      if (rule.selector.traitTypes || rule.selector.oamTypes?.includes('TRAIT')) {
        problems.push({
          path: at('rules', j, 'selector'),
          message:
            "selects traits' resources, which Berth does not garbage-collect apart from their component; select components",
        });
      }
    });
  }
  if (problems.length) return problems;
  const collecting = policies.find((policy) => policy.type === 'garbage-collect');
  if (!collecting) return [];
  for (const component of components) {
    const decision = keeping(policies, component);
    if (decision === 'collect') continue;
    const cloud = BUILTIN_TYPES.resolve(component.type)?.descriptor.category === 'cloud';
    if (decision === 'mixed') {
      problems.push({
        path: jsonPointer(...(collecting.path as PathSegment[])),
        message:
          `keeps component ${component.name} one way and deletes it the other; Berth keeps or deletes a resource alike when it leaves the spec and when the application is deleted ` +
          '(deletionPolicy): use strategy never, or onAppDelete with propagation orphan, to keep it both ways',
      });
    } else if (!cloud) {
      problems.push({
        path: jsonPointer(...(collecting.path as PathSegment[])),
        message: `keeps component ${component.name} (${component.type}), a workload; Berth keeps only cloud components' resources (deletionPolicy Retain)`,
      });
    }
  }
  return problems;
}

/**
 * apply-once and read-only are carried out for cloud components (see the provision step); a workload a rule covers,
 * or a trait selector, is refused at the policy, naming the component.
 */
function cloudOnlyProblems(
  policies: readonly Policy[],
  components: readonly RawComponent[],
  type: 'apply-once' | 'read-only',
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const what = type === 'apply-once' ? 'applies once' : 'only reads';
  for (const policy of policies) {
    if (policy.type !== type || (policy.type === 'apply-once' && !policy.enable)) continue;
    const at = (...more: PathSegment[]) => jsonPointer(...(policy.path as PathSegment[]), ...more);
    policy.rules.forEach((rule, j) => {
      if (rule.selector.traitTypes || rule.selector.oamTypes?.includes('TRAIT')) {
        problems.push({
          path: at('rules', j, 'selector'),
          message: `selects traits' resources; Berth ${what} only cloud components' resources: select components`,
        });
      }
    });
    for (const component of components) {
      const decided = resourcePolicies([policy], component);
      if (!(decided.applyOnce || decided.readOnly) || BUILTIN_TYPES.isCloud(component.type)) continue;
      problems.push({
        path: at(),
        message:
          `covers component ${component.name} (${component.type}), a workload; Berth ${what} only cloud components ` +
          '(a workload is delivered as written): select the cloud components by componentNames or componentTypes',
      });
    }
  }
  return problems;
}

/**
 * The components with `deletionPolicy: Retain` where garbage-collect keeps them, and every read-only one (Berth
 * never deletes what it only reads).
 */
function retained(policies: readonly Policy[], components: readonly RawComponent[]): RawComponent[] {
  if (!policies.some((policy) => policy.type === 'garbage-collect' || policy.type === 'read-only'))
    return [...components];
  const collecting = policies.some((policy) => policy.type === 'garbage-collect');
  return components.map((component) =>
    (collecting && keeping(policies, component) === 'keep') || resourcePolicies(policies, component).readOnly
      ? { ...component, properties: { ...(component.properties ?? {}), deletionPolicy: 'Retain' } }
      : component,
  );
}
