import type { Policy, RawComponent } from './policy-types';
import { resourcePolicies } from './resource-policies';

/** The annotation a delivery carries for its read-only components: their names, comma-separated. */
export const READ_ONLY_ANNOTATION = 'berth.dev/read-only';

/** The annotation value for the read-only components among `components` (undefined: none). */
export function readOnlyAnnotation(
  policies: readonly Policy[],
  components: readonly RawComponent[],
): string | undefined {
  const names = components.filter((component) => resourcePolicies(policies, component).readOnly).map((c) => c.name);
  return names.length ? names.join(',') : undefined;
}

/** The read-only components, as the annotation says. */
export function readReadOnly(annotations: Readonly<Record<string, string>> | undefined): Set<string> {
  const value = annotations?.[READ_ONLY_ANNOTATION] ?? '';
  return new Set(
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
}
