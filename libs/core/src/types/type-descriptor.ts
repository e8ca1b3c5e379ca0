import type { JsonObject } from '../model/application';
import type { ConnectionKeySpec } from './connection-key';

export type TypeCategory = 'cloud' | 'workload' | 'trait';

/** What a value written under a KubeVela property name becomes: a canonical value, nothing, or a problem. */
export type Conversion = { value: unknown } | { drop: true } | { problem: string };

export interface AliasProperty {
  /** The canonical property path the value moves to (empty: the value is dropped after its conversion). */
  to: string[];
  description: string;
  convert?: (value: unknown) => Conversion;
}

/** A KubeVela property Berth refuses by name, with the reason the user reads. */
export interface UnsupportedAliasProperty {
  unsupported: string;
}

/**
 * A value KubeVela's module fixes or defaults, given to a component of the alias type that leaves it unset (canonical
 * path, e.g. ['vswitches', '0', 'zone']). `when` limits it to the properties it fits.
 */
export interface AliasDefault {
  to: string[];
  value: unknown;
  /** The KubeVela property name a user sets instead (for messages). */
  written: string;
  when?: (canonical: Readonly<Record<string, unknown>>) => boolean;
}

/** A KubeVela component type accepted for a canonical one, with its property names and its module's defaults. */
export interface TypeAlias {
  alias: string;
  canonical: string;
  properties: ReadonlyMap<string, AliasProperty | UnsupportedAliasProperty>;
  defaults?: readonly AliasDefault[];
}

export function isUnsupported(
  property: AliasProperty | UnsupportedAliasProperty,
): property is UnsupportedAliasProperty {
  return 'unsupported' in property;
}

/** A problem of one component's canonical properties: `path` relative to `properties`. */
export interface PropertyProblem {
  path: Array<string | number>;
  message: string;
}

/** A cross-field check of one component's canonical properties (what a JSON Schema cannot say). */
export type TypeCheck = (properties: JsonObject) => PropertyProblem[];

/** A property naming another component of the application, which must be of `type` (e.g. `network` → a vpc). */
export interface TypeReference {
  property: string;
  type: string;
}

/**
 * How a cloud type's credentials are rotated: the connection keys a rotation issues anew, and the secret input the
 * broker keeps from the rotated secret so that the next apply re-applies the new value instead of the old one.
 */
export interface RotationSpec {
  reissues: readonly string[];
  holds?: { input: string; key: string };
}

/**
 * Everything Berth knows of one component type or trait. Each built-in type has one folder (libs/types); engines read
 * descriptors from a TypeRegistry, never from a list of type names.
 */
export interface TypeDescriptor {
  name: string;
  category: TypeCategory;
  description: string;
  /** JSON Schema (draft-07) of the canonical `properties`. Secret-valued properties carry `writeOnly: true`. */
  schema: JsonObject;
  /** Cloud types: what the connection secret holds, KubeVela's key names. */
  connectionKeys?: readonly ConnectionKeySpec[];
  /**
   * Property paths whose values are secret inputs: redacted on every read, sealed with the revision, handed to the
   * provider as `secretProperties` under the same path. `*` stands for every index of a list: `accounts/*\/password`.
   */
  secretInputs?: readonly string[];
  /** Secret inputs Berth generates when the user gives none (and then keeps). */
  generatedInputs?: readonly string[];
  rotation?: RotationSpec;
  /** How long one attempt of a step on this type may run; a deployment's configuration or a profile may override. */
  stepTimeoutMs?: number;
  checks?: readonly TypeCheck[];
  references?: readonly TypeReference[];
  aliases?: readonly TypeAlias[];
  /**
   * The words a validation message shows instead of each of this type's own schema patterns (pattern → words, e.g.
   * "an account name: …"), so a type's patterns stay in its folder.
   */
  patternHints?: Readonly<Record<string, string>>;
  /**
   * Workloads: the kind of the object a trait patches (Deployment, Job, CronJob, DaemonSet); a function for types
   * whose object is written by the user (raw); absent when there is no single workload object (k8s-objects).
   */
  workloadKind?: string | ((properties: JsonObject) => string | undefined);
  /** Traits: the workload kinds it applies to, as KubeVela's appliesToWorkloads; `*` for any. */
  appliesToWorkloads?: readonly string[];
}
