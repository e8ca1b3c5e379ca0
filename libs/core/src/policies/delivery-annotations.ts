import { APPLY_ONCE_ANNOTATION, applyOnceAnnotation } from './apply-once';
import type { Policy, RawComponent } from './policy-types';
import { READ_ONLY_ANNOTATION, readOnlyAnnotation } from './read-only';
import { SHARED_COMPONENTS_ANNOTATION, sharedComponentsAnnotation } from './shared-resources';

/** The annotations only Berth writes on a delivery: what its resource policies decide for its components. */
export const DELIVERY_ANNOTATIONS = [
  SHARED_COMPONENTS_ANNOTATION,
  APPLY_ONCE_ANNOTATION,
  READ_ONLY_ANNOTATION,
] as const;

/** Berth's annotations for one delivery of these components (shared owners as `sharedOwners` decided them). */
export function deliveryAnnotations(
  policies: readonly Policy[],
  owners: ReadonlyMap<string, string>,
  components: readonly RawComponent[],
): Record<string, string> {
  const shared = sharedComponentsAnnotation(owners, components);
  const once = applyOnceAnnotation(policies, components);
  const readOnly = readOnlyAnnotation(policies, components);
  return {
    ...(readOnly ? { [READ_ONLY_ANNOTATION]: readOnly } : {}),
    ...(shared ? { [SHARED_COMPONENTS_ANNOTATION]: shared } : {}),
    ...(once ? { [APPLY_ONCE_ANNOTATION]: once } : {}),
  };
}

/** `annotations` without Berth's own, with `own` added: what a delivery's (or the home's) metadata carries. */
export function withDeliveryAnnotations(
  annotations: Readonly<Record<string, unknown>> | undefined,
  own: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = { ...(annotations ?? {}) };
  for (const key of DELIVERY_ANNOTATIONS) delete result[key];
  Object.assign(result, own ?? {});
  return Object.keys(result).length ? result : undefined;
}
