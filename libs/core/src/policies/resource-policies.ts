import type { Policy, RawComponent, ResourceSelector } from './policy-types';

/** What the resource policies decide for one component's resources (or for the resources one of its traits makes). */
export interface ResourcePolicies {
  /** `shared-resource`: provisioned once and used by every delivery that has it; torn down with the last of them. */
  shared: boolean;
  /** `read-only`: Berth reads the existing resource and never creates, changes or deletes it. */
  readOnly: boolean;
  /** `apply-once`: after the first apply these field paths (`*`: all) are left as others changed them. */
  applyOnce?: { path: string[]; affect: 'onUpdate' | 'onStateKeep' | 'always' };
  /** `garbage-collect`: a resource the spec no longer has is collected, or kept (keepLegacyResource, strategy). */
  whenRemovedFromSpec: 'collect' | 'keep';
  /** When the Application is deleted: deleted, or kept (strategy never, propagation orphan). */
  whenApplicationDeleted: 'delete' | 'keep';
}

/** Does `selector` speak of this component (no trait) or of the resources its trait `traitType` makes? */
export function selectorMatches(selector: ResourceSelector, component: RawComponent, traitType?: string): boolean {
  const oamType = traitType === undefined ? 'COMPONENT' : 'TRAIT';
  if (selector.oamTypes && !selector.oamTypes.includes(oamType)) return false;
  if (selector.componentNames && !selector.componentNames.includes(component.name)) return false;
  if (selector.componentTypes && !selector.componentTypes.includes(component.type)) return false;
  if (selector.traitTypes && (traitType === undefined || !selector.traitTypes.includes(traitType))) return false;
  return true;
}

/**
 * The resource policies that apply to a component (or to what its trait makes), KubeVela's way: a policy's first
 * matching rule decides; apply-once with `enable: true` and no rules covers everything.
 */
export function resourcePolicies(
  policies: readonly Policy[],
  component: RawComponent,
  traitType?: string,
): ResourcePolicies {
  const decided: ResourcePolicies = {
    shared: false,
    readOnly: false,
    whenRemovedFromSpec: 'collect',
    whenApplicationDeleted: 'delete',
  };
  const matches = (selector: ResourceSelector) => selectorMatches(selector, component, traitType);
  for (const policy of policies) {
    switch (policy.type) {
      case 'shared-resource':
        if (policy.rules.some((rule) => matches(rule.selector))) decided.shared = true;
        break;
      case 'read-only':
        if (policy.rules.some((rule) => matches(rule.selector))) decided.readOnly = true;
        break;
      case 'apply-once': {
        if (!policy.enable) break;
        const rule = policy.rules.find((candidate) => matches(candidate.selector));
        if (rule) decided.applyOnce = { path: rule.path, affect: rule.affect };
        else if (policy.rules.length === 0) decided.applyOnce = { path: ['*'], affect: 'onUpdate' };
        break;
      }
      case 'garbage-collect': {
        if (policy.keepLegacyResource) decided.whenRemovedFromSpec = 'keep';
        const rule = policy.rules.find((candidate) => matches(candidate.selector));
        if (!rule) break;
        if (rule.strategy !== 'onAppUpdate') decided.whenRemovedFromSpec = 'keep';
        if (rule.strategy === 'never' || rule.propagation === 'orphan') decided.whenApplicationDeleted = 'keep';
        break;
      }
      default:
        break;
    }
  }
  return decided;
}
