import type { TypeDescriptor } from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import type { Definition, DefinitionSummary } from '../oam.types';
import { definitionMarkdown } from './definition-markdown';

/** The published form of the types the registry holds: what `GET /v1/definitions` lists and the validator compiles. */
const types = BUILTIN_TYPES;

export function componentTypes(): TypeDescriptor[] {
  return types.list().filter((d) => d.category !== 'trait');
}

export function traitTypes(): TypeDescriptor[] {
  return types.list('trait');
}

/** The component type a written type names (canonical or KubeVela alias), and the alias when it was one. */
export function resolveComponentType(type: string): ReturnType<typeof types.resolve> {
  const resolved = types.resolve(type);
  return resolved && resolved.descriptor.category !== 'trait' ? resolved : undefined;
}

export function traitTypeFor(type: string): TypeDescriptor | undefined {
  const descriptor = types.get(type);
  return descriptor?.category === 'trait' ? descriptor : undefined;
}

/** Every component alias the registry knows (KubeVela names). */
export function componentAliasNames(): string[] {
  return types.aliasList().map((a) => a.alias);
}

/** Every component type name a user may write: canonical names first, then aliases. */
export function knownComponentTypeNames(): string[] {
  return [...componentTypes().map((d) => d.name), ...componentAliasNames()];
}

function summary(descriptor: TypeDescriptor): DefinitionSummary {
  return {
    name: descriptor.name,
    kind: descriptor.category === 'trait' ? 'trait' : 'component',
    category: descriptor.category,
    aliases: types.aliasesOf(descriptor.name),
    description: descriptor.description,
  };
}

export function listDefinitions(): DefinitionSummary[] {
  return [...componentTypes(), ...traitTypes()].map(summary);
}

/** By canonical name or alias; undefined when unknown. */
export function getDefinition(typeOrAlias: string): Definition | undefined {
  const descriptor = resolveComponentType(typeOrAlias)?.descriptor ?? traitTypeFor(typeOrAlias);
  if (!descriptor) return undefined;
  const described = {
    ...summary(descriptor),
    schema: structuredClone(descriptor.schema),
    ...(descriptor.appliesToWorkloads
      ? { appliesToWorkloads: descriptor.appliesToWorkloads.map((k) => (k === '*' ? 'any' : k)) }
      : {}),
    connectionKeys: (descriptor.connectionKeys ?? []).map((key) => ({
      name: key.name,
      sensitive: key.sensitive,
      description: key.condition ? `${key.description} (${key.condition})` : key.description,
    })),
  };
  return { ...described, markdown: definitionMarkdown(described) };
}
