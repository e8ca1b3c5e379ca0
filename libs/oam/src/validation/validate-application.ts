import {
  defaultConnectionSecretName,
  jsonPointer,
  readPolicies as readPolicyProperties,
  type ApplicationSpec,
  type ComponentSpec,
  type EnvBinding,
  type JsonObject,
  type PolicySpec,
  type TraitSpec,
  type ValidationProblem,
} from '@berth/core';
import { CLOUD_COMMON_FIELDS } from '@berth/types';
import { OamError } from '../errors/oam.error';
import type { ValidationContext, ValidationResult } from '../oam.types';
import { checkStructureLimits } from './structure-limits';
import { normalizeComponent, type ComponentRecord } from './component-normalizer';
import { dnsLabelProblem, dnsSubdomainProblem } from './dns-names';
import {
  CARRIED_OUT_POLICY_TYPES,
  REFUSED_POLICY_TYPES,
  REFUSED_SPEC_FIELDS,
  refusalMessage,
} from '../dialect/kubevela-features';
import { cloneJson, describeType, hasOwn, isPlainObject, own } from './json-values';
import { pointerSegments } from './path-map';
import { checkReferences } from './reference-checks';

export const API_VERSION = 'core.oam.dev/v1beta1';
export const KIND = 'Application';

const TOP_LEVEL_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA_FIELDS = ['name', 'namespace', 'labels', 'annotations'];
/** Fields the Kubernetes API server sets; pasted from `kubectl get -o yaml` they are ignored, as `kubectl apply` does. */
const READ_ONLY_METADATA_FIELDS = [
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'managedFields',
  'resourceVersion',
  'selfLink',
  'uid',
  'finalizers',
];
const READ_ONLY_TOP_LEVEL_FIELDS = ['status'];
const SPEC_FIELDS = ['components', 'policies', 'workflow'];
const POLICY_FIELDS = ['name', 'type', 'properties'];
const CLOUD_COMMON = new Set<string>(CLOUD_COMMON_FIELDS);

function unknownFields(
  object: JsonObject,
  known: string[],
  at: string[],
  what: string,
  problems: ValidationProblem[],
  skip: readonly string[] = [],
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key) && !skip.includes(key)) {
      problems.push({
        path: jsonPointer(...at, key),
        message: `is not a known field of ${what}; known: ${known.join(', ')}`,
      });
    }
  }
}

function stringMap(value: unknown, at: string[], problems: ValidationProblem[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.push({ path: jsonPointer(...at), message: `must be a mapping of strings, found ${describeType(value)}` });
    return {};
  }
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      problems.push({ path: jsonPointer(...at, key), message: `must be a string, found ${describeType(entry)}` });
    } else Object.defineProperty(result, key, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** Read-only fields found under `at` of `object`, each reported as a warning (and left out of the result). */
function readOnlyWarnings(object: JsonObject, fields: string[], at: string[], warnings: ValidationProblem[]): void {
  for (const field of fields) {
    if (hasOwn(object, field)) {
      warnings.push({
        path: jsonPointer(...at, field),
        message: 'is set by the Kubernetes API server, not by the author; ignored (as kubectl apply does)',
      });
    }
  }
}

function readMetadata(document: JsonObject, problems: ValidationProblem[], warnings: ValidationProblem[]) {
  const metadata = own(document, 'metadata');
  if (metadata === undefined) {
    problems.push({ path: '/metadata', message: 'is required' });
    return { name: undefined, namespace: undefined, labels: {}, annotations: {} };
  }
  if (!isPlainObject(metadata)) {
    problems.push({ path: '/metadata', message: `must be a mapping, found ${describeType(metadata)}` });
    return { name: undefined, namespace: undefined, labels: {}, annotations: {} };
  }
  unknownFields(metadata, METADATA_FIELDS, ['metadata'], 'metadata', problems, READ_ONLY_METADATA_FIELDS);
  readOnlyWarnings(metadata, READ_ONLY_METADATA_FIELDS, ['metadata'], warnings);
  const namespace = own(metadata, 'namespace');
  if (namespace !== undefined) {
    if (typeof namespace !== 'string')
      problems.push({ path: '/metadata/namespace', message: `must be a string, found ${describeType(namespace)}` });
    else {
      const problem = dnsLabelProblem(namespace);
      if (problem) problems.push({ path: '/metadata/namespace', message: problem });
    }
  }
  const name = own(metadata, 'name');
  if (name === undefined) problems.push({ path: '/metadata/name', message: 'is required' });
  else if (typeof name !== 'string')
    problems.push({ path: '/metadata/name', message: `must be a string, found ${describeType(name)}` });
  else {
    const problem = dnsLabelProblem(name);
    if (problem) problems.push({ path: '/metadata/name', message: problem });
  }
  return {
    name: typeof name === 'string' ? name : undefined,
    namespace: typeof namespace === 'string' ? namespace : undefined,
    labels: stringMap(own(metadata, 'labels'), ['metadata', 'labels'], problems),
    annotations: stringMap(own(metadata, 'annotations'), ['metadata', 'annotations'], problems),
  };
}

function readPolicies(value: unknown, problems: ValidationProblem[]): PolicySpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ path: '/spec/policies', message: `must be a list of policies, found ${describeType(value)}` });
    return [];
  }
  const policies: PolicySpec[] = [];
  const seen = new Set<string>();
  value.forEach((policy: unknown, i) => {
    const at = ['spec', 'policies', String(i)];
    if (!isPlainObject(policy)) {
      problems.push({
        path: jsonPointer(...at),
        message: `must be a mapping (a policy), found ${describeType(policy)}`,
      });
      return;
    }
    unknownFields(policy, POLICY_FIELDS, at, 'a policy', problems);
    const written = own(policy, 'name');
    const type = own(policy, 'type');
    const properties = own(policy, 'properties') ?? {};
    let ok = true;
    if (typeof type !== 'string' || type === '') {
      problems.push({
        path: jsonPointer(...at, 'type'),
        message: type === undefined ? 'is required' : 'must be a non-empty string',
      });
      ok = false;
    }
    // KubeVela names a policy without a name after its type.
    const name = written ?? (typeof type === 'string' && type !== '' ? type : undefined);
    const namePath = jsonPointer(...at, written === undefined ? 'type' : 'name');
    if (written !== undefined && typeof written !== 'string') {
      problems.push({ path: jsonPointer(...at, 'name'), message: 'must be a string' });
      ok = false;
    } else if (typeof name === 'string') {
      const problem =
        dnsSubdomainProblem(name) ??
        (seen.has(name)
          ? `repeats the policy name ${name}${written === undefined ? ' (a policy without a name is named by its type)' : ''}`
          : undefined);
      if (problem) problems.push({ path: namePath, message: problem });
      seen.add(name);
    }
    if (!isPlainObject(properties)) {
      problems.push({
        path: jsonPointer(...at, 'properties'),
        message: `must be a mapping, found ${describeType(properties)}`,
      });
      ok = false;
    }
    if (typeof type === 'string' && CARRIED_OUT_POLICY_TYPES.has(type)) {
      // Their properties are read (and refused field by field) by the policies of @berth/core.
      const read = readPolicyProperties([
        { name: typeof name === 'string' ? name : type, type, properties: isPlainObject(properties) ? properties : {} },
      ]);
      for (const found of read.problems) {
        problems.push({
          path: found.path.replace(/^\/spec\/policies\/0/, `/spec/policies/${i}`),
          message: found.message,
        });
      }
      if (read.problems.length) ok = false;
    } else if (typeof type === 'string' && type !== '') {
      const refused = REFUSED_POLICY_TYPES.get(type);
      problems.push({
        path: jsonPointer(...at, 'type'),
        message: refused
          ? refusalMessage(`policy type "${type}"`, refused)
          : `unknown policy type "${type}"; Berth carries out ${[...CARRIED_OUT_POLICY_TYPES].join(', ')}, and custom (CUE-defined) policy definitions are not run`,
      });
      ok = false;
    }
    if (ok) policies.push({ name: name as string, type: type as string, properties: properties as JsonObject });
  });
  return policies;
}

function bindingsOf(record: ComponentRecord): EnvBinding[] {
  const bindings: EnvBinding[] = [];
  for (const trait of record.traits) {
    if (trait.type !== 'service-binding' || !trait.valid) continue;
    const mappings = trait.properties.envMappings as Record<string, { secret: string; key?: string }>;
    for (const [env, mapping] of Object.entries(mappings)) {
      bindings.push({ env, secret: mapping.secret, key: mapping.key ?? env });
    }
  }
  return bindings;
}

/** A service-binding's mappings with `key` filled in (it defaults to the variable name); other traits as they are. */
function withDefaultKeys(type: string, properties: JsonObject): JsonObject {
  if (type !== 'service-binding' || !isPlainObject(properties.envMappings)) return properties;
  const envMappings: JsonObject = {};
  for (const [env, mapping] of Object.entries(properties.envMappings)) {
    const value = isPlainObject(mapping) ? { ...mapping, key: mapping.key ?? env } : mapping;
    Object.defineProperty(envMappings, env, { value, enumerable: true, writable: true, configurable: true });
  }
  return { ...properties, envMappings };
}

function componentSpec(record: ComponentRecord, application: string): ComponentSpec {
  const traits: TraitSpec[] = record.traits.map((t) => ({
    type: t.type,
    properties: withDefaultKeys(t.type, t.properties),
  }));
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  if (record.definition!.category === 'cloud') {
    const properties: JsonObject = {};
    for (const [key, value] of Object.entries(record.properties)) {
      if (!CLOUD_COMMON.has(key))
        Object.defineProperty(properties, key, { value, enumerable: true, writable: true, configurable: true });
    }
    const ref = record.properties.writeConnectionSecretToRef;
    const provider = record.properties.providerRef;
    return {
      kind: 'cloud',
      name: record.name!,
      type: record.definition!.name,
      properties,
      dependsOn: strings(record.properties.dependsOn),
      traits,
      deletionPolicy: record.properties.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
      ...(isPlainObject(provider) && typeof provider.name === 'string' ? { providerRef: provider.name } : {}),
      connectionSecretName:
        isPlainObject(ref) && typeof ref.name === 'string'
          ? ref.name
          : defaultConnectionSecretName(application, record.name!),
      ...(isPlainObject(ref) && typeof ref.namespace === 'string' ? { connectionSecretNamespace: ref.namespace } : {}),
    };
  }
  return {
    kind: 'workload',
    name: record.name!,
    type: record.definition!.name,
    properties: record.properties,
    dependsOn: strings(record.workloadDependsOn),
    traits,
    bindings: bindingsOf(record),
  };
}

function componentDocument(component: ComponentSpec): JsonObject {
  const properties =
    component.kind === 'cloud'
      ? {
          ...component.properties,
          writeConnectionSecretToRef: {
            name: component.connectionSecretName,
            ...(component.connectionSecretNamespace !== undefined
              ? { namespace: component.connectionSecretNamespace }
              : {}),
          },
          deletionPolicy: component.deletionPolicy,
          ...(component.providerRef !== undefined ? { providerRef: { name: component.providerRef } } : {}),
        }
      : component.properties;
  return {
    name: component.name,
    type: component.type,
    ...(component.dependsOn.length > 0 ? { dependsOn: component.dependsOn } : {}),
    properties,
    ...(component.traits.length > 0 ? { traits: component.traits } : {}),
  };
}

function runComponentChecks(
  records: ComponentRecord[],
  context: ValidationContext,
  problems: ValidationProblem[],
): void {
  if (!context.componentChecks?.length && !context.typeSupport) return;
  for (const record of records) {
    if (!record.valid || record.name === undefined || record.definition?.category !== 'cloud') continue;
    const component = {
      name: record.name,
      type: record.definition.name,
      writtenType: record.writtenType ?? record.definition.name,
      properties: structuredClone(record.properties),
    };
    const refusal = context.typeSupport?.(component);
    if (refusal !== undefined) {
      // Its properties mean nothing to an adapter that cannot provision the type at all.
      problems.push({ path: jsonPointer(...record.base, 'type'), message: refusal });
      continue;
    }
    for (const check of context.componentChecks ?? []) {
      let found: ValidationProblem[];
      try {
        found = check(component);
      } catch (error) {
        found = [
          { path: '', message: `could not be checked: ${error instanceof Error ? error.message : String(error)}` },
        ];
      }
      for (const problem of found) {
        problems.push({ path: record.paths.pointer(pointerSegments(problem.path)), message: problem.message });
      }
    }
  }
}

/** Validates a parsed document completely and reports every problem at once. */
export function validateApplication(document: unknown, context: ValidationContext = {}): ValidationResult {
  try {
    return validate(document, context);
  } catch (error) {
    if (error instanceof OamError) throw error;
    // A defect here must not become a 500 for a user's document; it is reported as a problem instead.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ path: '', message: `could not be validated: ${message}` }] };
  }
}

function validate(document: unknown, context: ValidationContext): ValidationResult {
  const problems: ValidationProblem[] = [];
  const warnings: ValidationProblem[] = [];
  const structure = checkStructureLimits(document);
  if (structure) return { ok: false, problems: [structure] };
  if (!isPlainObject(document)) {
    return {
      ok: false,
      problems: [{ path: '', message: `must be a mapping (an Application), found ${describeType(document)}` }],
    };
  }
  unknownFields(document, TOP_LEVEL_FIELDS, [], 'an Application', problems, READ_ONLY_TOP_LEVEL_FIELDS);
  readOnlyWarnings(document, READ_ONLY_TOP_LEVEL_FIELDS, [], warnings);
  const apiVersion = own(document, 'apiVersion');
  if (apiVersion !== API_VERSION) {
    problems.push({
      path: '/apiVersion',
      message: apiVersion === undefined ? `is required (${API_VERSION})` : `must be ${API_VERSION}`,
    });
  }
  const kind = own(document, 'kind');
  if (kind !== KIND)
    problems.push({ path: '/kind', message: kind === undefined ? `is required (${KIND})` : `must be ${KIND}` });
  const metadata = readMetadata(document, problems, warnings);

  const spec = own(document, 'spec');
  let rawComponents: unknown[] = [];
  let policies: PolicySpec[] = [];
  if (spec === undefined) problems.push({ path: '/spec', message: 'is required' });
  else if (!isPlainObject(spec))
    problems.push({ path: '/spec', message: `must be a mapping, found ${describeType(spec)}` });
  else {
    unknownFields(spec, SPEC_FIELDS, ['spec'], 'spec', problems, [...REFUSED_SPEC_FIELDS.keys()]);
    for (const [field, feature] of REFUSED_SPEC_FIELDS) {
      if (hasOwn(spec, field))
        problems.push({ path: jsonPointer('spec', field), message: refusalMessage(`spec.${field}`, feature) });
    }
    const components = own(spec, 'components');
    if (components === undefined) problems.push({ path: '/spec/components', message: 'is required' });
    else if (!Array.isArray(components)) {
      problems.push({
        path: '/spec/components',
        message: `must be a list of components, found ${describeType(components)}`,
      });
    } else if (components.length === 0)
      problems.push({ path: '/spec/components', message: 'must have at least 1 component' });
    else rawComponents = components;
    policies = readPolicies(own(spec, 'policies'), problems);
  }

  const records: ComponentRecord[] = [];
  const firstIndex = new Map<string, number>();
  rawComponents.forEach((raw, index) => {
    const record = normalizeComponent(raw, index, problems, warnings);
    if (!record) return;
    records.push(record);
    if (record.name === undefined) return;
    const first = firstIndex.get(record.name);
    if (first !== undefined) {
      problems.push({
        path: jsonPointer('spec', 'components', index, 'name'),
        message: `repeats the component name ${record.name} (already used at /spec/components/${first})`,
      });
    } else firstIndex.set(record.name, index);
  });

  const appName = metadata.name ?? 'application';
  const unique = records.filter((r) => r.name !== undefined && r.definition && firstIndex.get(r.name) === r.index);
  const application: ApplicationSpec = {
    name: appName,
    ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
    labels: metadata.labels,
    annotations: metadata.annotations,
    components: unique.map((r) => componentSpec(r, appName)),
    policies,
  };
  const refused = new Map<string, number>();
  for (const r of records)
    if (r.refusedType && r.name !== undefined && !refused.has(r.name)) refused.set(r.name, r.index);
  checkReferences(unique, application, context, problems, refused);
  runComponentChecks(unique, context, problems);
  if (problems.length > 0) return { ok: false, problems, warnings };

  const normalized: JsonObject = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      name: application.name,
      ...(application.namespace !== undefined ? { namespace: application.namespace } : {}),
      ...(Object.keys(application.labels).length > 0 ? { labels: application.labels } : {}),
      ...(Object.keys(application.annotations).length > 0 ? { annotations: application.annotations } : {}),
    },
    spec: {
      components: application.components.map(componentDocument),
      ...(policies.length > 0 ? { policies } : {}),
    },
  };
  // The document is a deep copy so that it shares no object with the application.
  return { ok: true, application, document: cloneJson(normalized), warnings };
}
