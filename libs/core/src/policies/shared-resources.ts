import type { Policy, RawComponent } from './policy-types';
import { resourcePolicies } from './resource-policies';

/**
 * The annotation a delivery carries for its shared components: `component=environment` pairs, comma-separated,
 * naming the environment that provisions each one when none of the Application's deliveries holds it yet.
 */
export const SHARED_COMPONENTS_ANNOTATION = 'berth.dev/shared-components';

/** The components a `shared-resource` rule matches, by name, each with the first delivery (in order) that has it. */
export function sharedOwners(
  policies: readonly Policy[],
  deliveries: ReadonlyArray<{ environment: string; components: readonly RawComponent[] }>,
): Map<string, string> {
  const owners = new Map<string, string>();
  for (const delivery of deliveries) {
    for (const component of delivery.components) {
      if (owners.has(component.name) || !resourcePolicies(policies, component).shared) continue;
      owners.set(component.name, delivery.environment);
    }
  }
  return owners;
}

/** The annotation value for the shared components among `components` (undefined: none is shared). */
export function sharedComponentsAnnotation(
  owners: ReadonlyMap<string, string>,
  components: readonly RawComponent[],
): string | undefined {
  const pairs = components
    .filter((component) => owners.has(component.name))
    .map((component) => `${component.name}=${owners.get(component.name)!}`);
  return pairs.length ? pairs.join(',') : undefined;
}

/** Component name → the environment that provisions it, as the annotation says (empty when absent or malformed). */
export function readSharedComponents(annotations: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const value = annotations?.[SHARED_COMPONENTS_ANNOTATION];
  const owners = new Map<string, string>();
  for (const pair of (value ?? '').split(',')) {
    const [component, environment] = pair.split('=');
    if (component && environment) owners.set(component.trim(), environment.trim());
  }
  return owners;
}
