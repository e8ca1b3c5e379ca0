import type { Policy, RawComponent } from './policy-types';
import { resourcePolicies, type ResourcePolicies } from './resource-policies';

/** The annotation a delivery carries for its apply-once components: JSON `{ component: { path, affect } }`. */
export const APPLY_ONCE_ANNOTATION = 'berth.dev/apply-once';

export type ApplyOnce = NonNullable<ResourcePolicies['applyOnce']>;

/**
 * The property paths of an apply-once rule as Berth reads them: `*` (everything), or dotted paths into the
 * component's properties (`properties.` in front is optional, as KubeVela's rules name the object's fields).
 */
export function applyOncePropertyPaths(path: readonly string[]): string[] | '*' {
  if (path.includes('*')) return '*';
  return path.map((p) => p.replace(/^properties\./, ''));
}

/** The annotation value for the apply-once components among `components` (undefined: none). */
export function applyOnceAnnotation(
  policies: readonly Policy[],
  components: readonly RawComponent[],
): string | undefined {
  const once: Record<string, ApplyOnce> = {};
  for (const component of components) {
    const decided = resourcePolicies(policies, component).applyOnce;
    if (decided) once[component.name] = decided;
  }
  return Object.keys(once).length ? JSON.stringify(once) : undefined;
}

/** Component name → its apply-once strategy, as the annotation says (empty when absent or malformed). */
export function readApplyOnce(annotations: Readonly<Record<string, string>> | undefined): Map<string, ApplyOnce> {
  const value = annotations?.[APPLY_ONCE_ANNOTATION];
  if (!value) return new Map();
  try {
    const parsed = JSON.parse(value) as Record<string, ApplyOnce>;
    return new Map(
      Object.entries(parsed).filter(([, once]) => Array.isArray(once?.path) && typeof once.affect === 'string'),
    );
  } catch {
    return new Map();
  }
}
