import { describe, expect, it } from 'vitest';
import { defaultWorkflow, planWorkflow } from './plan-workflow';
import { readWorkflow } from './read-workflow';
import { evaluateStepCondition, parseStepCondition } from './step-condition';
import { policyContext } from './testing/workflow.fixture';

function problemsOf(workflow: unknown) {
  const read = readWorkflow(workflow);
  return [...read.problems, ...planWorkflow(policyContext(), read.workflow).problems];
}

describe('readWorkflow and planWorkflow', () => {
  it('refuses unknown and not-yet step types, missing policies and components, with paths', () => {
    expect(
      problemsOf({
        steps: [
          { name: 'a', type: 'deploy', properties: { policies: ['dev', 'qa'] } },
          { name: 'b', type: 'apply-object', properties: {} },
          { name: 'c', type: 'teleport' },
          { name: 'd', type: 'apply-component', properties: { component: 'cache', cluster: 'mars' } },
          { name: 'e', type: 'notification', properties: { email: { from: {} } } },
          { name: 'f', type: 'suspend', timeout: 'soon', properties: { duration: '5m' } },
        ],
      }),
    ).toEqual([
      {
        path: '/spec/workflow/steps/1/type',
        message: expect.stringContaining('"apply-object" is not carried out by Berth yet'),
      },
      { path: '/spec/workflow/steps/2/type', message: expect.stringContaining('unknown step type "teleport"') },
      {
        path: '/spec/workflow/steps/4/properties/email',
        message: expect.stringContaining('is not carried out by Berth'),
      },
      { path: '/spec/workflow/steps/5/timeout', message: 'must be a duration such as 30s, 10m or 1h30m, found "soon"' },
      {
        path: '/spec/workflow/steps/0/properties/policies/1',
        message: expect.stringContaining('names no policy "qa"'),
      },
      {
        path: '/spec/workflow/steps/3/properties/component',
        message: expect.stringContaining('names no component "cache"'),
      },
      {
        path: '/spec/workflow/steps/3/properties/cluster',
        message: 'no environment "mars" (environments: dev, staging, prod)',
      },
    ]);
  });

  it('finds cycles in dependsOn, unknown step names and conditions it cannot carry out', () => {
    expect(
      problemsOf({
        mode: { steps: 'DAG' },
        steps: [
          { name: 'a', type: 'suspend', dependsOn: ['b'] },
          { name: 'b', type: 'suspend', dependsOn: ['a'] },
          { name: 'c', type: 'suspend', dependsOn: ['zz'], if: 'inputs.x == "y"' },
          { name: 'd', type: 'suspend', if: 'status.nope.succeeded' },
        ],
      }),
    ).toEqual([
      { path: '/spec/workflow/steps/2/if', message: expect.stringContaining('inputs are not carried out by Berth') },
      { path: '/spec/workflow/steps/2/dependsOn/0', message: 'names no step "zz" here (steps: a, b, c, d)' },
      { path: '/spec/workflow/steps/3/if', message: 'reads the status of no step "nope"' },
      { path: '/spec/workflow/steps/0/dependsOn', message: 'forms a cycle: a → b → a' },
    ]);
    // StepByStep: depending on a later step can never be satisfied
    expect(
      problemsOf({
        steps: [
          { name: 'a', type: 'suspend', dependsOn: ['b'] },
          { name: 'b', type: 'suspend' },
        ],
      }),
    ).toEqual([
      {
        path: '/spec/workflow/steps/0/dependsOn',
        message: expect.stringContaining('forms a cycle: a → b → a (in StepByStep mode'),
      },
    ]);
  });

  it('without spec.workflow deploys every topology in policy order with every override (KubeVela default)', () => {
    const steps = defaultWorkflow(policyContext()).steps;
    expect(steps.map((step) => [step.name, step.type === 'deploy' ? step.policies : []])).toEqual([
      ['deploy-dev', ['staging-image', 'prod-size', 'dev']],
      ['deploy-staging', ['staging-image', 'prod-size', 'staging']],
      ['deploy-prod', ['staging-image', 'prod-size', 'prod']],
    ]);
    const plain = planWorkflow(policyContext([], 'staging'), undefined).plan!;
    expect(plain.steps).toHaveLength(1);
    expect(plain.steps[0]).toMatchObject({ type: 'deploy', targets: [{ environment: 'staging' }] });
  });
});

describe('step conditions', () => {
  const status = (phases: Record<string, string>) => (name: string) => ({
    phase: phases[name] ?? 'pending',
    timedOut: false,
  });
  it('evaluates the KubeVela subset and refuses the rest', () => {
    const condition = parseStepCondition('status.a.phase == "succeeded" && !(status["b-2"].failed || false)');
    expect(evaluateStepCondition(condition, status({ a: 'succeeded', 'b-2': 'succeeded' }))).toBe(true);
    expect(evaluateStepCondition(condition, status({ a: 'succeeded', 'b-2': 'failed' }))).toBe(false);
    expect(() => parseStepCondition('status.a.phase == "done"')).toThrow('"done" is not a step phase');
    expect(() => parseStepCondition('status.a.phase = "succeeded"')).toThrow('cannot read');
    expect(() => parseStepCondition('status.a.succeeded extra')).toThrow('unexpected "extra" at position 20');
  });
});
