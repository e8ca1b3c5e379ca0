import type { OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** The DTO schemas whose `kind` names an adapter, and which registry's kinds it takes. */
const KIND_SCHEMAS = { ProviderProfileDto: 'provider', RuntimeDto: 'runtime' } as const;

/**
 * Lists the kinds the registered adapters serve as the `enum` of each DTO's `kind`: what the document offers is what
 * the service accepts, from the registries, with no list of its own.
 */
export function addAdapterKinds(
  document: OpenAPIObject,
  kinds: { provider: readonly string[]; runtime: readonly string[] },
): void {
  for (const [schemaName, registry] of Object.entries(KIND_SCHEMAS)) {
    const schema = document.components?.schemas?.[schemaName] as SchemaObject | undefined;
    const kind = schema?.properties?.kind as SchemaObject | undefined;
    if (kind) kind.enum = [...kinds[registry]];
  }
}
