import { CONNECTION_KEYS, isCloudComponentType } from '@berth/core';
import { TYPE_ALIASES } from '../aliases/kubevela-aliases';
import type { Definition, DefinitionSummary } from '../oam.types';
import { ossDefinition } from './oss.definition';
import { definitionMarkdown } from './definition-markdown';
import { rdsDefinition } from './rds.definition';
import { serviceBindingDefinition } from './service-binding.definition';
import { slbDefinition } from './slb.definition';
import type { TypeDefinition } from './type-definition';
import { vpcDefinition } from './vpc.definition';
import { taskDefinition, webserviceDefinition, workerDefinition } from './workload.definitions';

export const COMPONENT_DEFINITIONS: readonly TypeDefinition[] = [
  rdsDefinition,
  ossDefinition,
  slbDefinition,
  vpcDefinition,
  webserviceDefinition,
  workerDefinition,
  taskDefinition,
];

export const TRAIT_DEFINITIONS: readonly TypeDefinition[] = [serviceBindingDefinition];

const BY_NAME = new Map([...COMPONENT_DEFINITIONS, ...TRAIT_DEFINITIONS].map((d) => [d.name, d]));

export function aliasesOf(name: string): string[] {
  return [...TYPE_ALIASES.values()].filter((a) => a.canonical === name).map((a) => a.alias);
}

/** The component definition a written type names (canonical or KubeVela alias). */
export function componentDefinitionFor(type: string): TypeDefinition | undefined {
  const canonical = TYPE_ALIASES.get(type)?.canonical ?? type;
  const definition = BY_NAME.get(canonical);
  return definition?.kind === 'component' ? definition : undefined;
}

export function traitDefinitionFor(type: string): TypeDefinition | undefined {
  const definition = BY_NAME.get(type);
  return definition?.kind === 'trait' ? definition : undefined;
}

/** Every component type name a user may write: canonical names first, then aliases. */
export function knownComponentTypeNames(): string[] {
  return [...COMPONENT_DEFINITIONS.map((d) => d.name), ...TYPE_ALIASES.keys()];
}

function summary(definition: TypeDefinition): DefinitionSummary {
  return {
    name: definition.name,
    kind: definition.kind,
    category: definition.category,
    aliases: aliasesOf(definition.name),
    description: definition.description,
  };
}

export function listDefinitions(): DefinitionSummary[] {
  return [...COMPONENT_DEFINITIONS, ...TRAIT_DEFINITIONS].map(summary);
}

/** By canonical name or alias; undefined when unknown. */
export function getDefinition(typeOrAlias: string): Definition | undefined {
  const definition = componentDefinitionFor(typeOrAlias) ?? traitDefinitionFor(typeOrAlias);
  if (!definition) return undefined;
  const keys = isCloudComponentType(definition.name) ? CONNECTION_KEYS[definition.name] : [];
  const described = {
    ...summary(definition),
    schema: structuredClone(definition.schema),
    connectionKeys: keys.map((key) => ({
      name: key.name,
      sensitive: key.sensitive,
      description: key.condition ? `${key.description} (${key.condition})` : key.description,
    })),
  };
  return { ...described, markdown: definitionMarkdown(described) };
}
