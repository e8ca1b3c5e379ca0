import { jsonPointer, type ValidationProblem } from '../errors';
import {
  checkPolicyReferences,
  deployablePolicyNames,
  expandedPolicies,
  planDeploy,
  type PathSegment,
  type PolicyContext,
} from '../policies';
import { conditionSteps, parseStepCondition } from './step-condition';
import type {
  DeployStep,
  PlannedWorkflowStep,
  PlannedLeafStep,
  LeafStep,
  WorkflowPlan,
  WorkflowSpec,
  WorkflowStep,
} from './workflow-types';

/**
 * KubeVela's workflow when an Application has none: one deploy step per topology, in policy order, each with every
 * override first (`deploy-<topology>`); an env-binding env is a deploy of its own `<policy>-<env>`; overrides alone
 * deploy to the home environment; no policies at all: one deploy to the home environment, exactly as before.
 */
export function defaultWorkflow(context: PolicyContext): WorkflowSpec {
  const policies = expandedPolicies(context);
  const overrides = policies
    .filter((policy) => policy.type === 'override' && !policy.fromEnvBinding)
    .map((p) => p.name);
  const deploy = (name: string, names: string[]): DeployStep => ({
    name,
    type: 'deploy',
    policies: names,
    parallelism: 5,
    auto: true,
    dependsOn: [],
    path: ['spec', 'policies'],
  });
  const steps = policies
    .filter((policy) => policy.type === 'topology')
    .map((topology) =>
      topology.fromEnvBinding
        ? deploy(`deploy-${topology.name}`, [topology.name])
        : deploy(`deploy-${topology.name}`, [...overrides, topology.name]),
    );
  if (steps.length === 0) steps.push(deploy('deploy', overrides));
  return { mode: { steps: 'StepByStep', subSteps: 'DAG' }, steps, generated: true };
}

export interface PlanWorkflowResult {
  plan?: WorkflowPlan;
  problems: ValidationProblem[];
}

/**
 * Checks a workflow against the Application and the environments — steps named in `dependsOn` and `if`, cycles,
 * deploy policies, apply-component components and clusters — together with the policies' own references, and
 * resolves every deploy to its deliveries. Any problem: no plan (nothing may be stored).
 */
export function planWorkflow(context: PolicyContext, workflow: WorkflowSpec | undefined): PlanWorkflowResult {
  const spec = workflow ?? defaultWorkflow(context);
  const problems: ValidationProblem[] = [...checkPolicyReferences(context)];
  const problem = (path: PathSegment[], message: string) => problems.push({ path: jsonPointer(...path), message });
  const allNames = spec.steps.flatMap((step) =>
    step.type === 'step-group' ? [step.name, ...step.subSteps.map((s) => s.name)] : [step.name],
  );
  checkSiblings(spec.steps, spec.mode.steps, allNames, problem);
  for (const step of spec.steps) {
    if (step.type === 'step-group') checkSiblings(step.subSteps, spec.mode.subSteps, allNames, problem);
  }
  const deployable = deployablePolicyNames(context);
  const environments = context.environments.map((environment) => environment.name);
  const leaves = spec.steps.flatMap((step) => (step.type === 'step-group' ? step.subSteps : [step]));
  for (const step of leaves) {
    if (step.type === 'deploy') {
      step.policies.forEach((name, i) => {
        if (deployable.has(name)) return;
        const other = context.policies.find((policy) => policy.name === name);
        const at = [...step.path, 'properties', 'policies', i];
        problem(
          at,
          other
            ? `names the ${other.type} policy "${name}"; a deploy takes topology and override policies`
            : `names no policy "${name}" (topology and override policies: ${[...deployable].join(', ') || 'none'})`,
        );
      });
    }
    if (step.type === 'apply-component') {
      if (step.component && !context.components.some((component) => component.name === step.component)) {
        const names = context.components.map((component) => component.name).join(', ');
        problem(
          [...step.path, 'properties', 'component'],
          `names no component "${step.component}" (components: ${names})`,
        );
      }
      if (step.environment && !environments.includes(step.environment)) {
        problem(
          [...step.path, 'properties', 'cluster'],
          `no environment "${step.environment}" (environments: ${environments.join(', ')})`,
        );
      }
    }
  }
  if (problems.length > 0) return { problems };
  const planLeaf = (step: LeafStep): PlannedLeafStep => {
    if (step.type === 'deploy') return { ...step, targets: planDeploy(context, step.policies) };
    if (step.type === 'apply-component') {
      const resolved = structuredClone(context.components.find((component) => component.name === step.component)!);
      return { ...step, environment: step.environment ?? context.home, resolved };
    }
    return step;
  };
  const steps: PlannedWorkflowStep[] = spec.steps.map((step) =>
    step.type === 'step-group' ? { ...step, subSteps: step.subSteps.map(planLeaf) } : planLeaf(step),
  );
  return { plan: { mode: spec.mode, steps }, problems: [] };
}

/** What a step waits for among its siblings: `dependsOn`, the steps its `if` reads, and in StepByStep every earlier one. */
export function siblingWaits(
  steps: readonly WorkflowStep[],
  mode: WorkflowSpec['mode']['steps'],
): Map<string, Set<string>> {
  const owner = new Map<string, string>();
  for (const step of steps) {
    owner.set(step.name, step.name);
    if (step.type === 'step-group') for (const sub of step.subSteps) owner.set(sub.name, step.name);
  }
  const waits = new Map<string, Set<string>>();
  steps.forEach((step, i) => {
    const on = new Set<string>(step.dependsOn.filter((name) => owner.has(name)));
    if (step.if) {
      for (const name of conditionSteps(parseStepCondition(step.if))) {
        const sibling = owner.get(name);
        if (sibling !== undefined && sibling !== step.name) on.add(sibling);
      }
    }
    if (mode === 'StepByStep') for (const earlier of steps.slice(0, i)) on.add(earlier.name);
    on.delete(step.name);
    waits.set(step.name, on);
  });
  return waits;
}

function checkSiblings(
  steps: readonly WorkflowStep[],
  mode: WorkflowSpec['mode']['steps'],
  allNames: readonly string[],
  problem: (path: PathSegment[], message: string) => void,
): void {
  const siblings = steps.map((step) => step.name);
  for (const step of steps) {
    step.dependsOn.forEach((name, i) => {
      if (name === step.name) problem([...step.path, 'dependsOn', i], 'a step cannot depend on itself');
      else if (!siblings.includes(name)) {
        problem([...step.path, 'dependsOn', i], `names no step "${name}" here (steps: ${siblings.join(', ')})`);
      }
    });
    if (step.if) {
      for (const name of conditionSteps(parseStepCondition(step.if))) {
        if (name === step.name) problem([...step.path, 'if'], 'a step cannot read its own status');
        else if (!allNames.includes(name)) problem([...step.path, 'if'], `reads the status of no step "${name}"`);
      }
    }
  }
  const waits = siblingWaits(steps, mode);
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const first = steps.find((step) => step.name === cycle[0])!;
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const because = mode === 'StepByStep' ? ' (in StepByStep mode a step also waits for every step before it)' : '';
        problem([...first.path, 'dependsOn'], `forms a cycle: ${cycle.join(' → ')}${because}`);
      }
      return;
    }
    state.set(name, 'visiting');
    for (const next of waits.get(name) ?? []) visit(next, [...trail, name]);
    state.set(name, 'done');
  };
  for (const step of steps) visit(step.name, []);
}
