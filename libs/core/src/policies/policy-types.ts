import type { JsonObject } from '../model';

/** A component as the Application document writes it, before aliases and defaults: what overrides patch. */
export interface RawComponent {
  name: string;
  type: string;
  properties?: JsonObject;
  traits?: RawTrait[];
  [field: string]: unknown;
}

export interface RawTrait {
  type: string;
  properties?: JsonObject;
  [field: string]: unknown;
}

/** What the policies need to know of an environment: its name and its labels. */
export interface EnvironmentRef {
  name: string;
  labels: Record<string, string>;
}

/** The policy types Berth carries out; every other type is refused by name. */
export const POLICY_TYPES = [
  'topology',
  'override',
  'garbage-collect',
  'apply-once',
  'shared-resource',
  'read-only',
  'env-binding',
] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

export type PathSegment = string | number;

interface PolicyBase {
  name: string;
  /**
   * Where the policy's settings stand in the document, for error paths: `spec/policies/<i>/properties`, or for a
   * topology or override made from an env-binding env, `spec/policies/<i>/properties/envs/<j>`.
   */
  path: PathSegment[];
  /** Set on the topology and override an env-binding env became. */
  fromEnvBinding?: true;
}

export interface TopologyPolicy extends PolicyBase {
  type: 'topology';
  /** Environment names (KubeVela cluster names); `local` is the `local` environment. */
  clusters?: string[];
  /** Environments whose labels include all of these (KubeVela's `clusterLabelSelector`, or deprecated `clusterSelector`). */
  clusterLabelSelector?: Record<string, string>;
  /** The runtime namespace in every selected environment. */
  namespace?: string;
  allowEmpty: boolean;
}

export interface TraitPatch {
  type: string;
  properties?: JsonObject;
  /** Removes the trait from the matched components. */
  disable: boolean;
}

export interface ComponentPatch {
  /** A component name, `*` wildcards allowed; absent: every component (of `type`, when given). */
  name?: string;
  type?: string;
  properties?: JsonObject;
  traits: TraitPatch[];
}

export interface OverridePolicy extends PolicyBase {
  type: 'override';
  components: ComponentPatch[];
  /** Only these components are delivered (after the patches); absent: all. */
  selector?: string[];
}

/** Which components (and their traits) a rule speaks of; all given fields must match. */
export interface ResourceSelector {
  componentNames?: string[];
  componentTypes?: string[];
  /** `COMPONENT` or `TRAIT`. */
  oamTypes?: Array<'COMPONENT' | 'TRAIT'>;
  traitTypes?: string[];
}

export interface GarbageCollectRule {
  selector: ResourceSelector;
  strategy: 'onAppUpdate' | 'onAppDelete' | 'never';
  propagation?: 'orphan' | 'cascading';
}

export interface GarbageCollectPolicy extends PolicyBase {
  type: 'garbage-collect';
  keepLegacyResource: boolean;
  continueOnFailure: boolean;
  rules: GarbageCollectRule[];
}

export interface ApplyOnceRule {
  selector: ResourceSelector;
  /** Field paths that Berth sets once and then leaves to whoever changes them; `*` for the whole resource. */
  path: string[];
  affect: 'onUpdate' | 'onStateKeep' | 'always';
}

export interface ApplyOncePolicy extends PolicyBase {
  type: 'apply-once';
  enable: boolean;
  rules: ApplyOnceRule[];
}

export interface SelectorRulesPolicy<T extends 'shared-resource' | 'read-only'> extends PolicyBase {
  type: T;
  rules: Array<{ selector: ResourceSelector }>;
}
export type SharedResourcePolicy = SelectorRulesPolicy<'shared-resource'>;
export type ReadOnlyPolicy = SelectorRulesPolicy<'read-only'>;

export interface EnvBindingEnv {
  name: string;
  placement: { environment?: string; labels?: Record<string, string>; namespace?: string };
  patch: ComponentPatch[];
  selector?: string[];
}

/** Deprecated in KubeVela; carried out as one topology and one override per env (see `expandEnvBinding`). */
export interface EnvBindingPolicy extends PolicyBase {
  type: 'env-binding';
  envs: EnvBindingEnv[];
}

export type Policy =
  | TopologyPolicy
  | OverridePolicy
  | GarbageCollectPolicy
  | ApplyOncePolicy
  | SharedResourcePolicy
  | ReadOnlyPolicy
  | EnvBindingPolicy;
