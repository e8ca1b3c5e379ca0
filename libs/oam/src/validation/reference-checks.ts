import {
  closestMatchSuffix,
  jsonPointer,
  PlanGraph,
  resolveBindingTarget,
  type ApplicationSpec,
  type ValidationProblem,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import type { ComponentRecord, Segment } from './component-normalizer';
import { isPlainObject } from './json-values';
import type { ValidationContext } from '../oam.types';

/** Where each reference between components was written, to point a cycle at its first edge. */
export interface ReferenceSite {
  from: string;
  to: string;
  path: () => string;
}

function nameList(names: string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

/**
 * Checks that span components: references resolve (dependsOn, network, bindings), binding keys exist, connection
 * secret names are unique, provider profiles exist, and the dependency graph has no cycle.
 */
export function checkReferences(
  records: ComponentRecord[],
  application: ApplicationSpec,
  context: ValidationContext,
  problems: ValidationProblem[],
  refused: ReadonlyMap<string, number> = new Map(),
): void {
  /** A reference to a component whose type was refused says so (a knock-on, not a missing component). */
  const refusedTarget = (target: string): string | undefined => {
    const index = refused.get(target);
    return index === undefined
      ? undefined
      : `"${target}" is a component whose type was refused (see /spec/components/${index}/type)`;
  };
  const byName = new Map<string, ComponentRecord>();
  for (const record of records)
    if (record.name !== undefined && !byName.has(record.name)) byName.set(record.name, record);
  const names = [...byName.keys()];
  const sites: ReferenceSite[] = [];

  const checkTarget = (from: ComponentRecord, target: unknown, at: () => string, what: string): string | undefined => {
    if (typeof target !== 'string') return undefined;
    if (byName.has(target) && target !== from.name) {
      sites.push({ from: from.name!, to: target, path: at });
      return target;
    }
    const path = at();
    const knockOn = refusedTarget(target);
    if (knockOn !== undefined && target !== from.name) {
      problems.push({ path, message: knockOn });
      return undefined;
    }
    if (target === from.name) {
      problems.push({ path, message: `${what} names the component itself` });
      return undefined;
    }
    if (!byName.has(target)) {
      const others = names.filter((n) => n !== from.name);
      problems.push({
        path,
        message: `"${target}" is not a component of this application; components: ${nameList(others)}${closestMatchSuffix(target, others)}`,
      });
      return undefined;
    }
    return undefined;
  };

  for (const record of records) {
    if (record.name === undefined || !record.definition) continue;
    const cloud = record.definition.category === 'cloud';
    const dependsOn = cloud ? record.properties.dependsOn : record.workloadDependsOn;
    if (Array.isArray(dependsOn)) {
      dependsOn.forEach((target: unknown, i) => {
        const at = () => (cloud ? record.paths.pointer(['dependsOn', i]) : jsonPointer(...record.base, 'dependsOn', i));
        if (typeof target !== 'string') problems.push({ path: at(), message: 'must be a component name (a string)' });
        else checkTarget(record, target, at, 'dependsOn');
      });
    }
    for (const reference of record.definition.references ?? []) {
      const written = record.properties[reference.property];
      if (typeof written !== 'string') continue;
      const at = () => record.paths.pointer([reference.property]);
      const target = checkTarget(record, written, at, reference.property);
      const targetType = target !== undefined ? byName.get(target)!.definition?.name : undefined;
      if (target !== undefined && targetType !== undefined && targetType !== reference.type) {
        problems.push({
          path: at(),
          message: `must name a ${reference.type} component; ${target} is a ${targetType}`,
        });
      }
    }
    if (cloud) checkProviderRef(record, context, problems);
  }

  checkBindings(records, application, byName, sites, problems, refusedTarget, context);
  checkSecretNames(application, byName, problems, context);
  checkCycle(application, sites, problems);
}

function checkProviderRef(record: ComponentRecord, context: ValidationContext, problems: ValidationProblem[]): void {
  const ref = record.properties.providerRef;
  if (!context.profileNames || !isPlainObject(ref) || typeof ref.name !== 'string') return;
  if (!context.profileNames.includes(ref.name)) {
    problems.push({
      path: record.paths.pointer(['providerRef', 'name']),
      message: `"${ref.name}" is not a provider profile of this environment; profiles: ${nameList(context.profileNames)}`,
    });
  }
}

function checkBindings(
  records: ComponentRecord[],
  application: ApplicationSpec,
  byName: Map<string, ComponentRecord>,
  sites: ReferenceSite[],
  problems: ValidationProblem[],
  refusedTarget: (name: string) => string | undefined,
  context: ValidationContext,
): void {
  const cloudNames = application.components.filter((c) => c.kind === 'cloud').map((c) => c.name);
  const secretNames = application.components.flatMap((c) => (c.kind === 'cloud' ? [c.connectionSecretName] : []));
  for (const record of records) {
    if (record.name === undefined || record.definition?.category !== 'workload') continue;
    const envNames = new Map<string, () => string>();
    const env = record.properties.env;
    if (Array.isArray(env)) {
      env.forEach((entry: unknown, i) => {
        if (isPlainObject(entry) && typeof entry.name === 'string' && !envNames.has(entry.name)) {
          envNames.set(entry.name, () => record.paths.pointer(['env', i, 'name']));
        }
      });
    }
    for (const trait of record.traits) {
      if (trait.type !== 'service-binding' || !trait.valid) continue;
      const mappings = trait.properties.envMappings as Record<string, { secret: string; key?: string }>;
      for (const [envName, mapping] of Object.entries(mappings)) {
        const at = (...rest: Segment[]) => jsonPointer(...trait.base, 'envMappings', envName, ...rest);
        const earlier = envNames.get(envName);
        if (earlier !== undefined) {
          problems.push({ path: at(), message: `sets ${envName}, which is already set at ${earlier()}` });
        } else envNames.set(envName, () => at());
        const target = resolveBindingTarget(application, mapping.secret);
        if (!target) {
          const written = byName.get(mapping.secret);
          const knockOn = refusedTarget(mapping.secret);
          const close = closestMatchSuffix(mapping.secret, [...cloudNames, ...secretNames]);
          // A Secret the application does not create: bound as it is where the runtime can, refused by name where
          // not. A name a typo away from one of the application's own is still refused (it is most likely that one).
          if (!written && !knockOn && !close && context.existingSecrets !== undefined) {
            if (context.existingSecrets === 'bind') continue;
            problems.push({
              path: at('secret'),
              message: `binds Secret "${mapping.secret}", which this application does not create: ${context.existingSecrets.refused}`,
            });
            continue;
          }
          problems.push({
            path: at('secret'),
            message: knockOn
              ? `${knockOn}; nothing to bind until it is fixed`
              : written?.definition?.category === 'workload'
                ? `"${mapping.secret}" is a workload; a binding takes a cloud component or its connection secret`
                : `"${mapping.secret}" is neither a cloud component nor a connection secret of this application; ` +
                  `cloud components: ${nameList(cloudNames)}; connection secrets: ${nameList(secretNames)}` +
                  close,
          });
          continue;
        }
        sites.push({ from: record.name, to: target.name, path: () => at('secret') });
        const targetKeys = BUILTIN_TYPES.get(target.type)?.connectionKeys;
        if (!targetKeys) continue;
        const key = mapping.key ?? envName;
        const keyPath = mapping.key === undefined ? at() : at('key');
        const spec = targetKeys.find((k) => k.name === key);
        const keys = targetKeys.map((k) => k.name);
        if (!spec) {
          problems.push({
            path: keyPath,
            message:
              `${key} is not a connection key of ${target.type} component ${target.name}` +
              `${mapping.key === undefined ? ' (key defaults to the variable name)' : ''}; keys: ${keys.join(', ')}${closestMatchSuffix(key, keys)}`,
          });
        } else if (key === 'DB_PUBLIC_HOST' && target.properties.publicConnection !== true) {
          const setting =
            BUILTIN_TYPES.byAlias(byName.get(target.name)?.writtenType ?? '') !== undefined
              ? 'allocate_public_connection: true'
              : 'publicConnection: true';
          problems.push({
            path: keyPath,
            message: `${key} is published only by a component with ${setting}, and ${target.name} has no public connection (set ${setting} on it)`,
          });
        }
      }
    }
  }
}

function checkSecretNames(
  application: ApplicationSpec,
  byName: Map<string, ComponentRecord>,
  problems: ValidationProblem[],
  context: ValidationContext,
): void {
  const owners = new Map<string, string>();
  for (const component of application.components) {
    if (component.kind !== 'cloud') continue;
    const record = byName.get(component.name)!;
    const explicit = isPlainObject(record.properties.writeConnectionSecretToRef);
    const at = () =>
      explicit ? record.paths.pointer(['writeConnectionSecretToRef', 'name']) : jsonPointer(...record.base, 'name');
    const secret = component.connectionSecretName;
    const namespace = component.connectionSecretNamespace;
    if (namespace !== undefined && context.workloadNamespace !== undefined && namespace !== context.workloadNamespace)
      problems.push({
        path: record.paths.pointer(['writeConnectionSecretToRef', 'namespace']),
        message:
          `this environment places its objects in namespace ${context.workloadNamespace} (its workloads read Secrets ` +
          `there only); give that namespace or leave writeConnectionSecretToRef.namespace out`,
      });
    const problem = explicit
      ? undefined
      : secret.length > 63
        ? 'is too long for the default connection secret name'
        : undefined;
    if (problem) {
      problems.push({
        path: at(),
        message: `${problem} ${secret} (${secret.length} characters, at most 63); set writeConnectionSecretToRef.name`,
      });
      continue;
    }
    const owner = owners.get(secret);
    if (owner !== undefined) {
      problems.push({ path: at(), message: `connection secret ${secret} is also written by component ${owner}` });
    } else owners.set(secret, component.name);
    const namesake = byName.get(secret);
    if (namesake && namesake.name !== component.name) {
      problems.push({
        path: at(),
        message: `connection secret ${secret} has the name of component ${secret}; a binding naming it would be ambiguous`,
      });
    }
  }
}

function checkCycle(application: ApplicationSpec, sites: ReferenceSite[], problems: ValidationProblem[]): void {
  const cycle = PlanGraph.fromApplication(application).findCycle();
  if (!cycle) return;
  const site = sites.find((s) => s.from === cycle[0] && s.to === cycle[1]);
  const index = application.components.findIndex((c) => c.name === cycle[0]);
  problems.push({
    path: site?.path() ?? jsonPointer('spec', 'components', index),
    message: `dependency cycle: ${cycle.join(' → ')}`,
  });
}
