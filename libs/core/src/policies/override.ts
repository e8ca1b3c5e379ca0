import type { JsonObject } from '../model';
import { cloneJson, isDnsLabel, isPlainObject } from './json-values';
import type { ComponentPatch, OverridePolicy, RawComponent, RawTrait, TraitPatch } from './policy-types';

/**
 * KubeVela's property merge (mergo with override): mappings merge key by key, recursively; a list, a scalar or a
 * mapping over a non-mapping replaces what was there; a null in the patch leaves the base value. Unlike mergo, a
 * `false`, `0` or `""` in the patch does replace the base value (an override of `replicas: 0` or
 * `publicConnection: false` must land). Neither input is changed.
 */
export function mergeProperties(base: JsonObject | undefined, patch: JsonObject | undefined): JsonObject {
  const merged: JsonObject = cloneJson(base ?? {});
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null || value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeProperties(current, value) : cloneJson(value);
  }
  return merged;
}

/**
 * KubeVela's component merge: properties merge; traits merge by type in the base's order — a patched trait's
 * properties merge into the base trait's, a trait the base lacks is appended, and `disable: true` removes the trait.
 */
export function mergeComponent(base: RawComponent, patch: ComponentPatch): RawComponent {
  const merged: RawComponent = { ...cloneJson(base), properties: mergeProperties(base.properties, patch.properties) };
  const traits: RawTrait[] = cloneJson(base.traits ?? []);
  for (const traitPatch of patch.traits) {
    const at = traits.findIndex((trait) => trait.type === traitPatch.type);
    if (traitPatch.disable) {
      if (at >= 0) traits.splice(at, 1);
    } else if (at >= 0) {
      traits[at] = { ...traits[at], properties: mergeProperties(traits[at].properties, traitPatch.properties) };
    } else {
      traits.push(traitFromPatch(traitPatch));
    }
  }
  if (traits.length > 0 || base.traits !== undefined) merged.traits = traits;
  return merged;
}

function traitFromPatch(patch: TraitPatch): RawTrait {
  return { type: patch.type, ...(patch.properties ? { properties: cloneJson(patch.properties) } : {}) };
}

/** A component written whole in an override: a new component, or one whose type the override changes. */
function componentFromPatch(name: string, type: string, patch: ComponentPatch): RawComponent {
  const traits = patch.traits.filter((trait) => !trait.disable).map(traitFromPatch);
  return {
    name,
    type,
    properties: cloneJson(patch.properties ?? {}),
    ...(traits.length > 0 ? { traits } : {}),
  };
}

/** An override's `name`, where `*` stands for any run of characters and the rest matches literally, whole. */
export function namePattern(name: string): RegExp {
  const escaped = name.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** What a patch with this name does when no component matches it: add the component, or nothing it can. */
export function patchAddsComponent(patch: ComponentPatch): boolean {
  return patch.name !== undefined && !patch.name.includes('*') && isDnsLabel(patch.name) && patch.type !== undefined;
}

/**
 * One patch applied to a component list, as KubeVela does:
 * - no name: merged into every component (of `type`, when given);
 * - a name (with `*` wildcards): merged into each matching component, or, when it gives another type, replacing it;
 * - a name that matches nothing, with a type: a component added at the end.
 * A named patch that matches nothing and gives no type changes nothing; `checkPolicyReferences` reports it.
 */
export function applyComponentPatch(components: readonly RawComponent[], patch: ComponentPatch): RawComponent[] {
  if (patch.name === undefined) {
    return components.map((component) =>
      patch.type === undefined || patch.type === component.type ? mergeComponent(component, patch) : component,
    );
  }
  const pattern = namePattern(patch.name);
  let matched = false;
  const patched = components.map((component) => {
    if (!pattern.test(component.name)) return component;
    matched = true;
    return patch.type !== undefined && patch.type !== component.type
      ? componentFromPatch(component.name, patch.type, patch)
      : mergeComponent(component, patch);
  });
  if (!matched && patchAddsComponent(patch)) patched.push(componentFromPatch(patch.name, patch.type!, patch));
  return patched;
}

/** An override policy applied: its patches in order, then its selector keeps the named components (in their order). */
export function applyOverride(
  components: readonly RawComponent[],
  override: Pick<OverridePolicy, 'components' | 'selector'>,
): RawComponent[] {
  let result = [...components];
  for (const patch of override.components) result = applyComponentPatch(result, patch);
  if (override.selector && override.selector.length > 0) {
    const keep = new Set(override.selector);
    result = result.filter((component) => keep.has(component.name));
  }
  return result;
}
