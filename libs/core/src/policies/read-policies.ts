import type { ValidationProblem } from '../errors';
import type { JsonObject, PolicySpec } from '../model';
import { FieldReader } from './field-reader';
import {
  POLICY_TYPES,
  type ApplyOnceRule,
  type ComponentPatch,
  type EnvBindingEnv,
  type GarbageCollectRule,
  type PathSegment,
  type Policy,
  type PolicyType,
  type ResourceSelector,
  type TraitPatch,
} from './policy-types';

type Segment = PathSegment;

export interface ReadPoliciesResult {
  policies: Policy[];
  problems: ValidationProblem[];
}

/**
 * Reads the properties of each `spec.policies[]` entry (the shell — name, type, properties — is read by the
 * Application validation) into typed policies. Unknown policy types, unknown fields and wrongly shaped values are
 * problems with the path as written (`/spec/policies/1/properties/clusters/0`). Context checks (components,
 * environments) are `checkPolicyReferences`.
 */
export function readPolicies(specs: readonly PolicySpec[]): ReadPoliciesResult {
  const reader = new FieldReader();
  const policies: Policy[] = [];
  specs.forEach((spec, index) => {
    const at: Segment[] = ['spec', 'policies', index];
    if (!(POLICY_TYPES as readonly string[]).includes(spec.type)) {
      reader.problem(
        [...at, 'type'],
        `unknown policy type "${spec.type}"; Berth carries out: ${POLICY_TYPES.join(', ')}`,
      );
      return;
    }
    const policy = readPolicy(reader, spec.type as PolicyType, spec.name, spec.properties, [...at, 'properties']);
    if (policy) policies.push(policy);
  });
  return { policies, problems: reader.problems };
}

function readPolicy(
  reader: FieldReader,
  type: PolicyType,
  name: string,
  properties: JsonObject,
  at: Segment[],
): Policy | undefined {
  switch (type) {
    case 'topology': {
      reader.onlyFields(
        properties,
        ['clusters', 'clusterLabelSelector', 'clusterSelector', 'namespace', 'allowEmpty'],
        at,
        'a topology policy',
      );
      const clusters = reader.strings(properties.clusters, [...at, 'clusters']);
      const selectorKey = properties.clusterLabelSelector !== undefined ? 'clusterLabelSelector' : 'clusterSelector';
      if (properties.clusterLabelSelector !== undefined && properties.clusterSelector !== undefined) {
        reader.problem([...at, 'clusterSelector'], 'is the deprecated name of clusterLabelSelector; give only one');
      }
      const clusterLabelSelector = reader.labels(properties[selectorKey], [...at, selectorKey]);
      if (clusters && clusterLabelSelector) {
        reader.problem([...at, selectorKey], 'cannot be used together with clusters; give one of them');
      }
      const namespace = reader.optionalString(properties.namespace, [...at, 'namespace']);
      return {
        type,
        name,
        path: at,
        ...(clusters ? { clusters } : {}),
        ...(clusterLabelSelector ? { clusterLabelSelector } : {}),
        ...(namespace ? { namespace } : {}),
        allowEmpty: reader.boolean(properties.allowEmpty, [...at, 'allowEmpty'], false),
      };
    }
    case 'override': {
      reader.onlyFields(properties, ['components', 'selector'], at, 'an override policy');
      const components = readComponentPatches(reader, properties.components, [...at, 'components']);
      const selector = reader.strings(properties.selector, [...at, 'selector']);
      return { type, name, path: at, components, ...(selector ? { selector } : {}) };
    }
    case 'garbage-collect': {
      reader.onlyFields(
        properties,
        ['keepLegacyResource', 'continueOnFailure', 'rules'],
        at,
        'a garbage-collect policy',
      );
      const rules: GarbageCollectRule[] = [];
      (reader.list(properties.rules, [...at, 'rules']) ?? []).forEach((raw, i) => {
        const ruleAt = [...at, 'rules', i];
        const rule = reader.object(raw, ruleAt, 'a garbage-collect rule');
        if (!rule) return;
        reader.onlyFields(rule, ['selector', 'strategy', 'propagation'], ruleAt, 'a garbage-collect rule');
        const propagation =
          rule.propagation === undefined
            ? undefined
            : reader.oneOf(rule.propagation, [...ruleAt, 'propagation'], ['orphan', 'cascading'], 'cascading');
        rules.push({
          selector: readSelector(reader, rule.selector, [...ruleAt, 'selector']),
          strategy: reader.oneOf(
            rule.strategy,
            [...ruleAt, 'strategy'],
            ['onAppUpdate', 'onAppDelete', 'never'],
            'onAppUpdate',
          ),
          ...(propagation ? { propagation } : {}),
        });
      });
      return {
        type,
        name,
        path: at,
        keepLegacyResource: reader.boolean(properties.keepLegacyResource, [...at, 'keepLegacyResource'], false),
        continueOnFailure: reader.boolean(properties.continueOnFailure, [...at, 'continueOnFailure'], false),
        rules,
      };
    }
    case 'apply-once': {
      reader.onlyFields(properties, ['enable', 'rules'], at, 'an apply-once policy');
      const rules: ApplyOnceRule[] = [];
      (reader.list(properties.rules, [...at, 'rules']) ?? []).forEach((raw, i) => {
        const ruleAt = [...at, 'rules', i];
        const rule = reader.object(raw, ruleAt, 'an apply-once rule');
        if (!rule) return;
        reader.onlyFields(rule, ['selector', 'strategy'], ruleAt, 'an apply-once rule');
        const strategy = reader.object(rule.strategy ?? {}, [...ruleAt, 'strategy'], 'an apply-once strategy') ?? {};
        reader.onlyFields(strategy, ['path', 'affect'], [...ruleAt, 'strategy'], 'an apply-once strategy');
        rules.push({
          selector: readSelector(reader, rule.selector, [...ruleAt, 'selector']),
          path: reader.strings(strategy.path, [...ruleAt, 'strategy', 'path']) ?? ['*'],
          affect: reader.oneOf(
            strategy.affect,
            [...ruleAt, 'strategy', 'affect'],
            ['onUpdate', 'onStateKeep', 'always'],
            'onUpdate',
          ),
        });
      });
      return { type, name, path: at, enable: reader.boolean(properties.enable, [...at, 'enable'], false), rules };
    }
    case 'shared-resource':
    case 'read-only': {
      reader.onlyFields(properties, ['rules'], at, `a ${type} policy`);
      const rules: Array<{ selector: ResourceSelector }> = [];
      (reader.list(properties.rules, [...at, 'rules']) ?? []).forEach((raw, i) => {
        const rule = reader.object(raw, [...at, 'rules', i], `a ${type} rule`);
        if (!rule) return;
        reader.onlyFields(rule, ['selector'], [...at, 'rules', i], `a ${type} rule`);
        rules.push({ selector: readSelector(reader, rule.selector, [...at, 'rules', i, 'selector']) });
      });
      return type === 'shared-resource' ? { type, name, path: at, rules } : { type, name, path: at, rules };
    }
    case 'env-binding':
      reader.onlyFields(properties, ['envs'], at, 'an env-binding policy');
      return { type, name, path: at, envs: readEnvBindingEnvs(reader, properties.envs, [...at, 'envs']) };
  }
}

const SELECTOR_FIELDS = ['componentNames', 'componentTypes', 'oamTypes', 'traitTypes'] as const;

function readSelector(reader: FieldReader, value: unknown, at: Segment[]): ResourceSelector {
  const object = reader.object(value ?? {}, at, 'a resource selector');
  if (!object) return {};
  for (const key of ['resourceTypes', 'resourceNames']) {
    if (key in object) {
      reader.problem(
        [...at, key],
        `is not carried out by Berth (it selects by component, trait and OAM type); use ${SELECTOR_FIELDS.join(', ')}`,
      );
    }
  }
  reader.onlyFields(object, [...SELECTOR_FIELDS, 'resourceTypes', 'resourceNames'], at, 'a resource selector');
  const selector: ResourceSelector = {};
  const componentNames = reader.strings(object.componentNames, [...at, 'componentNames']);
  const componentTypes = reader.strings(object.componentTypes, [...at, 'componentTypes']);
  const traitTypes = reader.strings(object.traitTypes, [...at, 'traitTypes']);
  const oamTypes = reader.strings(object.oamTypes, [...at, 'oamTypes']);
  if (componentNames) selector.componentNames = componentNames;
  if (componentTypes) selector.componentTypes = componentTypes;
  if (traitTypes) selector.traitTypes = traitTypes;
  if (oamTypes) {
    oamTypes.forEach((oamType, i) => {
      if (oamType !== 'COMPONENT' && oamType !== 'TRAIT') {
        reader.problem([...at, 'oamTypes', i], `must be COMPONENT or TRAIT, found ${JSON.stringify(oamType)}`);
      }
    });
    selector.oamTypes = oamTypes.filter((t): t is 'COMPONENT' | 'TRAIT' => t === 'COMPONENT' || t === 'TRAIT');
  }
  return selector;
}

export function readComponentPatches(reader: FieldReader, value: unknown, at: Segment[]): ComponentPatch[] {
  const patches: ComponentPatch[] = [];
  (reader.list(value, at) ?? []).forEach((raw, i) => {
    const patchAt = [...at, i];
    const object = reader.object(raw, patchAt, 'a component override');
    if (!object) return;
    reader.onlyFields(object, ['name', 'type', 'properties', 'traits'], patchAt, 'a component override');
    const patch: ComponentPatch = { traits: [] };
    const name = reader.optionalString(object.name, [...patchAt, 'name']);
    const type = reader.optionalString(object.type, [...patchAt, 'type']);
    if (name) patch.name = name;
    if (type) patch.type = type;
    if (object.properties !== undefined) {
      const properties = reader.object(object.properties, [...patchAt, 'properties'], 'component properties');
      if (properties) patch.properties = properties;
    }
    (reader.list(object.traits, [...patchAt, 'traits']) ?? []).forEach((rawTrait, j) => {
      const traitAt = [...patchAt, 'traits', j];
      const trait = reader.object(rawTrait, traitAt, 'a trait override');
      if (!trait) return;
      reader.onlyFields(trait, ['type', 'properties', 'disable'], traitAt, 'a trait override');
      const traitType = reader.string(trait.type, [...traitAt, 'type']);
      if (!traitType) return;
      const traitPatch: TraitPatch = {
        type: traitType,
        disable: reader.boolean(trait.disable, [...traitAt, 'disable'], false),
      };
      if (trait.properties !== undefined) {
        const properties = reader.object(trait.properties, [...traitAt, 'properties'], 'trait properties');
        if (properties) traitPatch.properties = properties;
      }
      patch.traits.push(traitPatch);
    });
    patches.push(patch);
  });
  return patches;
}

function readEnvBindingEnvs(reader: FieldReader, value: unknown, at: Segment[]): EnvBindingEnv[] {
  const envs: EnvBindingEnv[] = [];
  const list = reader.list(value, at);
  if (!list || list.length === 0) {
    if (list) reader.problem(at, 'must name at least one env');
    else reader.problem(at, 'is required');
    return envs;
  }
  list.forEach((raw, i) => {
    const envAt = [...at, i];
    const env = reader.object(raw, envAt, 'an env-binding env');
    if (!env) return;
    reader.onlyFields(env, ['name', 'placement', 'selector', 'patch'], envAt, 'an env-binding env');
    const name = reader.string(env.name, [...envAt, 'name']);
    const placement = reader.object(env.placement ?? {}, [...envAt, 'placement'], 'a placement') ?? {};
    reader.onlyFields(placement, ['clusterSelector', 'namespaceSelector'], [...envAt, 'placement'], 'a placement');
    const cluster =
      reader.object(
        placement.clusterSelector ?? {},
        [...envAt, 'placement', 'clusterSelector'],
        'a cluster selector',
      ) ?? {};
    reader.onlyFields(cluster, ['name', 'labels'], [...envAt, 'placement', 'clusterSelector'], 'a cluster selector');
    const namespace =
      reader.object(
        placement.namespaceSelector ?? {},
        [...envAt, 'placement', 'namespaceSelector'],
        'a namespace selector',
      ) ?? {};
    reader.onlyFields(
      namespace,
      ['name'],
      [...envAt, 'placement', 'namespaceSelector'],
      'a namespace selector (Berth selects a namespace by name)',
    );
    const selector = reader.object(env.selector ?? {}, [...envAt, 'selector'], 'a component selector') ?? {};
    reader.onlyFields(selector, ['components'], [...envAt, 'selector'], 'a component selector');
    const patch = reader.object(env.patch ?? {}, [...envAt, 'patch'], 'a patch') ?? {};
    reader.onlyFields(patch, ['components'], [...envAt, 'patch'], 'a patch');
    const environment = reader.optionalString(cluster.name, [...envAt, 'placement', 'clusterSelector', 'name']);
    const labels = reader.labels(cluster.labels, [...envAt, 'placement', 'clusterSelector', 'labels']);
    const namespaceName = reader.optionalString(namespace.name, [...envAt, 'placement', 'namespaceSelector', 'name']);
    const components = reader.strings(selector.components, [...envAt, 'selector', 'components']);
    if (!name) return;
    envs.push({
      name,
      placement: {
        ...(environment ? { environment } : {}),
        ...(labels ? { labels } : {}),
        ...(namespaceName ? { namespace: namespaceName } : {}),
      },
      patch: readComponentPatches(reader, patch.components, [...envAt, 'patch', 'components']),
      ...(components ? { selector: components } : {}),
    });
  });
  return envs;
}
