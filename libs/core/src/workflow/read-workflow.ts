import type { ValidationProblem } from '../errors';
import type { JsonObject } from '../model';
import { FieldReader, type PathSegment } from '../policies';
import { parseDuration } from '../time';
import { parseStepCondition, StepConditionError } from './step-condition';
import {
  STEP_TYPES,
  type LeafStep,
  type NotificationStep,
  type ValueSource,
  type WorkflowMode,
  type WorkflowSpec,
  type WorkflowStep,
} from './workflow-types';

const MODES: readonly WorkflowMode[] = ['StepByStep', 'DAG'];
const STEP_FIELDS = ['name', 'type', 'properties', 'dependsOn', 'if', 'timeout', 'subSteps'];
/** KubeVela step types Berth knows of but does not carry out (yet); refused by name rather than as unknown. */
const NOT_CARRIED_OUT = [
  'apply-object',
  'deploy-cloud-resource',
  'share-cloud-resource',
  'read-object',
  'export2config',
  'export2secret',
  'apply-terraform-config',
  'request',
  'build-push-image',
  'collect-service-endpoints',
];
/** KubeVela's steps that make a cloud resource once and hand its secret to other clusters: Berth's shared-resource. */
const SHARING_STEPS = ['deploy-cloud-resource', 'share-cloud-resource'];
const CHANNELS = ['slack', 'dingding', 'lark'] as const;

export interface ReadWorkflowResult {
  /** Undefined when the Application has no `spec.workflow` (the default workflow applies). */
  workflow?: WorkflowSpec;
  problems: ValidationProblem[];
}

/**
 * Reads `spec.workflow` — `mode` and `steps` with their `properties`, `dependsOn`, `if`, `timeout` and `subSteps` —
 * into typed steps, refusing unknown step types and fields with the path as written. References between steps and
 * to policies and components are checked by `planWorkflow`.
 */
export function readWorkflow(value: unknown): ReadWorkflowResult {
  const reader = new FieldReader();
  if (value === undefined || value === null) return { problems: [] };
  const at: PathSegment[] = ['spec', 'workflow'];
  const workflow = reader.object(value, at, 'a workflow');
  if (!workflow) return { problems: reader.problems };
  reader.onlyFields(workflow, ['steps', 'mode', 'ref'], at, 'a workflow');
  if (workflow.ref !== undefined)
    reader.problem([...at, 'ref'], 'is not carried out by Berth (no Workflow objects); write the steps inline');
  const mode = reader.object(workflow.mode ?? {}, [...at, 'mode'], 'a workflow mode') ?? {};
  reader.onlyFields(mode, ['steps', 'subSteps'], [...at, 'mode'], 'a workflow mode');
  const steps: WorkflowStep[] = [];
  const list = reader.list(workflow.steps, [...at, 'steps']) ?? [];
  if (workflow.steps === undefined) reader.problem([...at, 'steps'], 'is required');
  list.forEach((raw, i) => {
    const step = readStep(reader, raw, [...at, 'steps', i], true);
    if (step) steps.push(step);
  });
  const names = new Set<string>();
  for (const step of steps.flatMap((step) => (step.type === 'step-group' ? [step, ...step.subSteps] : [step]))) {
    if (names.has(step.name)) reader.problem([...step.path, 'name'], `repeats the step name ${step.name}`);
    names.add(step.name);
  }
  return {
    workflow: {
      mode: {
        steps: reader.oneOf(mode.steps, [...at, 'mode', 'steps'], MODES, 'StepByStep'),
        subSteps: reader.oneOf(mode.subSteps, [...at, 'mode', 'subSteps'], MODES, 'DAG'),
      },
      steps,
      generated: false,
    },
    problems: reader.problems,
  };
}

function readStep(reader: FieldReader, raw: unknown, at: PathSegment[], topLevel: boolean): WorkflowStep | undefined {
  const step = reader.object(raw, at, 'a workflow step');
  if (!step) return undefined;
  reader.onlyFields(step, STEP_FIELDS, at, 'a workflow step');
  const name = reader.string(step.name, [...at, 'name']);
  const type = reader.string(step.type, [...at, 'type']);
  if (!name || !type) return undefined;
  if (!(STEP_TYPES as readonly string[]).includes(type)) {
    const known = STEP_TYPES.join(', ');
    const instead = SHARING_STEPS.includes(type)
      ? ' (to provision a cloud component once and share it, write a shared-resource policy selecting it and deploy the environments that use it)'
      : '';
    reader.problem(
      [...at, 'type'],
      NOT_CARRIED_OUT.includes(type)
        ? `the step type "${type}" is not carried out by Berth yet${instead}; Berth carries out: ${known}`
        : `unknown step type "${type}"; Berth carries out: ${known}`,
    );
    return undefined;
  }
  const properties = reader.object(step.properties ?? {}, [...at, 'properties'], 'step properties') ?? {};
  const base = {
    name,
    dependsOn: reader.strings(step.dependsOn, [...at, 'dependsOn']) ?? [],
    path: at,
    ...readCondition(reader, step.if, [...at, 'if']),
    ...readTimeout(reader, step.timeout, [...at, 'timeout']),
  };
  if (step.subSteps !== undefined && type !== 'step-group') {
    reader.problem([...at, 'subSteps'], 'belongs to a step-group step only');
  }
  const p: PathSegment[] = [...at, 'properties'];
  switch (type) {
    case 'step-group': {
      if (!topLevel) {
        reader.problem([...at, 'type'], 'a step-group cannot be nested in another step-group');
        return undefined;
      }
      reader.onlyFields(properties, [], p, 'a step-group (its steps go in subSteps)');
      const subSteps: LeafStep[] = [];
      (reader.list(step.subSteps, [...at, 'subSteps']) ?? []).forEach((sub, i) => {
        const subStep = readStep(reader, sub, [...at, 'subSteps', i], false);
        if (subStep && subStep.type !== 'step-group') subSteps.push(subStep);
      });
      return { ...base, type, subSteps };
    }
    case 'deploy': {
      reader.onlyFields(
        properties,
        ['policies', 'parallelism', 'auto', 'ignoreTerraformComponent'],
        p,
        'a deploy step',
      );
      if (properties.ignoreTerraformComponent !== undefined) {
        reader.problem(
          [...p, 'ignoreTerraformComponent'],
          'is not carried out by Berth: cloud components are part of every deploy',
        );
      }
      return {
        ...base,
        type,
        policies: reader.strings(properties.policies, [...p, 'policies']) ?? [],
        parallelism: reader.integer(properties.parallelism, [...p, 'parallelism'], 1) ?? 5,
        auto: reader.boolean(properties.auto, [...p, 'auto'], true),
      };
    }
    case 'deploy2env': {
      reader.onlyFields(properties, ['policy', 'env', 'parallel'], p, 'a deploy2env step');
      const policy = reader.string(properties.policy, [...p, 'policy']);
      const env = reader.string(properties.env, [...p, 'env']);
      const parallel = reader.boolean(properties.parallel, [...p, 'parallel'], false);
      return {
        ...base,
        type: 'deploy',
        policies: policy && env ? [`${policy}-${env}`] : [],
        parallelism: parallel ? 5 : 1,
        auto: true,
      };
    }
    case 'apply-component': {
      reader.onlyFields(properties, ['component', 'cluster', 'namespace'], p, 'an apply-component step');
      const component = reader.string(properties.component, [...p, 'component']) ?? '';
      const environment = reader.optionalString(properties.cluster, [...p, 'cluster']);
      const namespace = reader.optionalString(properties.namespace, [...p, 'namespace']);
      return { ...base, type, component, ...(environment ? { environment } : {}), ...(namespace ? { namespace } : {}) };
    }
    case 'suspend': {
      reader.onlyFields(properties, ['duration'], p, 'a suspend step');
      const duration = readTimeout(reader, properties.duration, [...p, 'duration']).timeoutMs;
      return { ...base, type, ...(duration !== undefined ? { durationMs: duration } : {}) };
    }
    case 'notification':
      return readNotification(reader, base, properties, p);
    case 'webhook': {
      reader.onlyFields(properties, ['url', 'data'], p, 'a webhook step');
      const url = readValueSource(reader, properties.url, [...p, 'url']);
      const data =
        properties.data === undefined ? undefined : reader.object(properties.data, [...p, 'data'], 'the JSON to post');
      return url
        ? { ...base, type: 'notification', channel: 'webhook', url, ...(data ? { message: data } : {}) }
        : undefined;
    }
  }
  return undefined;
}

function readNotification(
  reader: FieldReader,
  base: Omit<NotificationStep, 'type' | 'channel' | 'url' | 'message'>,
  properties: JsonObject,
  p: PathSegment[],
): NotificationStep | undefined {
  for (const key of Object.keys(properties)) {
    if (key === 'email') {
      reader.problem([...p, key], `is not carried out by Berth: it posts JSON to webhooks (${CHANNELS.join(', ')})`);
    } else if (!(CHANNELS as readonly string[]).includes(key)) {
      reader.problem([...p, key], `is not a notification channel; expected one of: ${CHANNELS.join(', ')}`);
    }
  }
  const channels = CHANNELS.filter((channel) => properties[channel] !== undefined);
  if (channels.length !== 1) {
    if (Object.keys(properties).length === 0 || channels.length > 1) {
      reader.problem(p, `must give exactly one channel of: ${CHANNELS.join(', ')} (found ${channels.length})`);
    }
    return undefined;
  }
  const channel = channels[0];
  const settings = reader.object(properties[channel], [...p, channel], `the ${channel} settings`);
  if (!settings) return undefined;
  reader.onlyFields(settings, ['url', 'message'], [...p, channel], `the ${channel} settings`);
  const url = readValueSource(reader, settings.url, [...p, channel, 'url']);
  const message =
    settings.message === undefined
      ? undefined
      : reader.object(settings.message, [...p, channel, 'message'], 'the message');
  return url ? { ...base, type: 'notification', channel, url, ...(message ? { message } : {}) } : undefined;
}

function readValueSource(reader: FieldReader, value: unknown, at: PathSegment[]): ValueSource | undefined {
  const source = reader.object(value, at, 'a value: {value} or {secretRef: {name, key}}');
  if (!source) return undefined;
  reader.onlyFields(source, ['value', 'secretRef'], at, 'a value source');
  if ((source.value === undefined) === (source.secretRef === undefined)) {
    reader.problem(at, 'must give exactly one of value, secretRef');
    return undefined;
  }
  if (source.value !== undefined) {
    const text = reader.string(source.value, [...at, 'value']);
    return text ? { value: text } : undefined;
  }
  const ref = reader.object(source.secretRef, [...at, 'secretRef'], 'a secret reference');
  if (!ref) return undefined;
  reader.onlyFields(ref, ['name', 'key'], [...at, 'secretRef'], 'a secret reference');
  const name = reader.string(ref.name, [...at, 'secretRef', 'name']);
  const key = reader.string(ref.key, [...at, 'secretRef', 'key']);
  return name && key ? { secretRef: { name, key } } : undefined;
}

function readCondition(reader: FieldReader, value: unknown, at: PathSegment[]): { if?: string } {
  if (value === undefined) return {};
  const text = reader.string(value, at);
  if (!text) return {};
  try {
    parseStepCondition(text);
    return { if: text };
  } catch (error) {
    if (!(error instanceof StepConditionError)) throw error;
    reader.problem(at, `is not a condition Berth carries out: ${error.message}`);
    return {};
  }
}

function readTimeout(reader: FieldReader, value: unknown, at: PathSegment[]): { timeoutMs?: number } {
  if (value === undefined) return {};
  const text = reader.string(value, at);
  if (!text) return {};
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    reader.problem(at, `must be a duration such as 30s, 10m or 1h30m, found ${JSON.stringify(text)}`);
    return {};
  }
  return { timeoutMs: ms };
}
