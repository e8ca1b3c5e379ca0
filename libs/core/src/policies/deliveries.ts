import { jsonPointer, type ValidationProblem } from '../errors';
import { expandPolicies } from './env-binding';
import { applyComponentPatch, applyOverride, namePattern, patchAddsComponent } from './override';
import type { EnvironmentRef, OverridePolicy, PathSegment, Policy, RawComponent, TopologyPolicy } from './policy-types';
import { selectEnvironments } from './topology';

/** What the policies are applied to: the Application's components and policies, and where it can be delivered. */
export interface PolicyContext {
  components: readonly RawComponent[];
  /** As `readPolicies` returned them; env-bindings are expanded here. */
  policies: readonly Policy[];
  environments: readonly EnvironmentRef[];
  /** The environment the Application was PUT in: the target of a deploy that names no topology. */
  home: string;
}

/** One (application, environment) delivery: where, in which namespace, and the overridden components it gets. */
export interface DeliveryPlan {
  environment: string;
  namespace?: string;
  components: RawComponent[];
  /** The annotations only Berth writes that its document carries (`deliveryAnnotations`), when it has any. */
  annotations?: Record<string, string>;
}

export function expandedPolicies(context: PolicyContext): Policy[] {
  return expandPolicies(context.policies);
}

/**
 * A deploy of the named policies, as KubeVela's `deploy` step: the environments every named topology selects (in
 * the order named; none named: the home environment), each getting the components with every named override
 * applied in the order named. Names must have been checked (`checkDeployPolicies`); unknown ones are passed over.
 */
export function planDeploy(context: PolicyContext, policyNames: readonly string[]): DeliveryPlan[] {
  // An env-binding env is a topology and an override of one name: a name can stand for both.
  const expanded = expandedPolicies(context);
  const named = policyNames.flatMap((name) => expanded.filter((policy) => policy.name === name));
  let components = [...context.components];
  for (const policy of named) if (policy.type === 'override') components = applyOverride(components, policy);
  const topologies = named.filter((policy): policy is TopologyPolicy => policy.type === 'topology');
  const targets = new Map<string, string | undefined>();
  if (topologies.length === 0) targets.set(context.home, undefined);
  for (const topology of topologies) {
    const selected = hasPlacement(topology) ? selectEnvironments(topology, context.environments) : [context.home];
    for (const environment of selected) if (!targets.has(environment)) targets.set(environment, topology.namespace);
  }
  return [...targets].map(([environment, namespace]) => ({
    environment,
    ...(namespace ? { namespace } : {}),
    components: structuredClone(components),
  }));
}

function hasPlacement(topology: TopologyPolicy): boolean {
  return topology.clusters !== undefined || topology.clusterLabelSelector !== undefined;
}

/** The names a deploy step may give: topologies and overrides, env-binding envs as `<policy>-<env>`. */
export function deployablePolicyNames(context: PolicyContext): Set<string> {
  return new Set(
    expandedPolicies(context)
      .filter((policy) => policy.type === 'topology' || policy.type === 'override')
      .map((policy) => policy.name),
  );
}

/**
 * What the policies name that does not exist: a topology's environment, a topology that selects nothing (without
 * `allowEmpty`), an override naming a component it can neither patch nor add, a selector naming a component the
 * overrides do not leave. Each problem points into the document as written.
 */
export function checkPolicyReferences(context: PolicyContext): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const problem = (path: PathSegment[], message: string) => problems.push({ path: jsonPointer(...path), message });
  const environmentNames = context.environments.map((environment) => environment.name);
  for (const policy of expandedPolicies(context)) {
    if (policy.type === 'topology') checkTopology(policy, context, environmentNames, problem);
    if (policy.type === 'override') checkOverride(policy, context.components, problem);
  }
  return problems;
}

function checkTopology(
  topology: TopologyPolicy,
  context: PolicyContext,
  environmentNames: string[],
  problem: (path: PathSegment[], message: string) => void,
): void {
  const clustersPath = topology.fromEnvBinding
    ? [...topology.path, 'placement', 'clusterSelector', 'name']
    : [...topology.path, 'clusters'];
  const selectorPath = topology.fromEnvBinding
    ? [...topology.path, 'placement', 'clusterSelector', 'labels']
    : [...topology.path, 'clusterLabelSelector'];
  const known = environmentNames.length > 0 ? environmentNames.join(', ') : 'none';
  topology.clusters?.forEach((name, i) => {
    if (!environmentNames.includes(name)) {
      problem(
        topology.fromEnvBinding ? clustersPath : [...clustersPath, i],
        `no environment "${name}" (environments: ${known})`,
      );
    }
  });
  if (!hasPlacement(topology) || topology.allowEmpty) return;
  if (selectEnvironments(topology, context.environments).length === 0 && topology.clusterLabelSelector) {
    const labels = Object.entries(topology.clusterLabelSelector).map(([key, value]) => `${key}=${value}`);
    problem(
      selectorPath,
      `selects no environment (labels ${labels.join(', ') || 'none'}); set allowEmpty: true if that is meant`,
    );
  }
  if (topology.clusters && topology.clusters.length === 0) {
    problem(clustersPath, 'names no environment; set allowEmpty: true if that is meant');
  }
}

function checkOverride(
  override: OverridePolicy,
  base: readonly RawComponent[],
  problem: (path: PathSegment[], message: string) => void,
): void {
  const patchesPath = override.fromEnvBinding
    ? [...override.path, 'patch', 'components']
    : [...override.path, 'components'];
  let components = [...base];
  override.components.forEach((patch, j) => {
    if (patch.name !== undefined) {
      const pattern = namePattern(patch.name);
      if (!components.some((component) => pattern.test(component.name)) && !patchAddsComponent(patch)) {
        const names = components.map((component) => component.name).join(', ') || 'none';
        const hint = patch.name.includes('*')
          ? 'a pattern adds no component'
          : 'give a type (and properties) to add a component';
        problem([...patchesPath, j, 'name'], `matches no component (components: ${names}); ${hint}`);
      }
    }
    components = applyComponentPatch(components, patch);
  });
  const selectorPath = override.fromEnvBinding
    ? [...override.path, 'selector', 'components']
    : [...override.path, 'selector'];
  override.selector?.forEach((name, k) => {
    if (!components.some((component) => component.name === name)) {
      problem([...selectorPath, k], `selects the component "${name}", which does not exist`);
    }
  });
}
