import type { CloudComponentType, JsonObject } from '../model';
import type { ProviderProfile } from '../model/environment';
import type { SettingProblem } from '../settings/setting-problem';
import type { OperationLog } from './operation-log';

/** What a dependency (a component this one references) has become, as seen by its dependants. */
export interface DependencyOutputs {
  type: CloudComponentType;
  externalIds: Record<string, string>;
  /** Non-secret outputs only. */
  outputs: Record<string, string>;
}

export interface ResourceRequest {
  environment: string;
  application: string;
  component: string;
  type: CloudComponentType;
  profile: ProviderProfile;
  /** Canonical properties, defaults applied; secret-valued properties are moved to `secretProperties`. */
  properties: JsonObject;
  /** Values the broker holds for the resource (e.g. `password`: given in the YAML or generated once, then kept). */
  secretProperties: Record<string, string>;
  /** Outputs of the components this one depends on, by component name. */
  dependencies: Record<string, DependencyOutputs>;
  /** Ids recorded from an earlier apply (or a retained resource being adopted); empty on first creation. */
  externalIds: Record<string, string>;
  /** Stable for a given (environment, application, component): a retry or a crash never creates a second resource. */
  idempotencyKey: string;
  /** Aborted on timeout or cancellation; long provider calls must honour it. */
  signal: AbortSignal;
}

export interface ApplyResult {
  externalIds: Record<string, string>;
  /** Non-secret connection keys (shown in status). */
  outputs: Record<string, string>;
  /** Sensitive connection keys (only in the encrypted connection secret). */
  secretOutputs: Record<string, string>;
}

export interface PlannedChange {
  action: 'create' | 'update' | 'replace' | 'delete' | 'same';
  resource: string;
  detail?: string;
}

export interface ResourcePlan {
  changes: PlannedChange[];
  /** False when the adapter can only say what it would do, not compute a real diff. */
  exact: boolean;
}

export interface DriftReport {
  drifted: boolean;
  /** Whether the resource still exists at all. */
  exists: boolean;
  differences: Array<{ field: string; expected?: string; actual?: string }>;
}

export interface ProviderAvailability {
  available: boolean;
  reason?: string;
}

/**
 * Provisions cloud components. Implementations are registered by profile kind; every method is idempotent for a
 * given request identity (environment, application, component).
 */
export abstract class ResourceProvider {
  /** Profile kinds this adapter serves, e.g. ['alicloud', 'apsara']. */
  abstract readonly kinds: readonly string[];

  /**
   * The component types this adapter provisions (the keys of its handlers). A component of another type is refused
   * when it is put into an environment this adapter serves. Absent: the adapter does not say (every cloud type is
   * offered to it, and it answers for itself).
   */
  readonly types?: readonly string[];

  /** Brings the adapter's own servers back (embedded databases, listeners) when a worker starts. */
  start?(log?: OperationLog): Promise<void>;

  /** Stops what start (or any call) started; data stays for the next start. */
  close?(): Promise<void>;

  /**
   * What is wrong with the adapter's own settings (the environment variables it reads, e.g. BERTH_LOCAL_*), each
   * problem naming its variable. The service asks every registered adapter at boot and refuses to start, listing
   * every problem of every part at once. Absent: the adapter reads no settings.
   */
  validateSettings?(): SettingProblem[];

  /** Whether this adapter can work here at all (tooling present), per profile. Shown by /readyz. */
  abstract availability(profile: ProviderProfile): Promise<ProviderAvailability>;

  /**
   * Whether the tooling this adapter needs is present, independent of any profile (e.g. a CLI it runs). Lets /readyz
   * tell that a kind cannot work here before an environment uses it. Absent: nothing beyond the profile is needed.
   */
  tooling?(): Promise<ProviderAvailability>;

  /** Checks a profile's settings; returns problems with JSON pointers relative to the profile's `settings`. */
  abstract validateProfile(profile: ProviderProfile): Array<{ path: string; message: string }>;

  /**
   * Checks one component against what this adapter can do in this profile (e.g. the local provider refuses
   * `engine: mysql` when no MySQL server is configured). Paths are JSON pointers relative to the component's
   * `properties`; an empty list means the component is acceptable.
   */
  validateComponent?(
    type: CloudComponentType,
    properties: JsonObject,
    profile: ProviderProfile,
  ): Array<{ path: string; message: string }>;

  abstract preview(request: ResourceRequest): Promise<ResourcePlan>;
  abstract apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult>;
  /** Destroying what is already gone succeeds. */
  abstract destroy(request: ResourceRequest, log: OperationLog): Promise<void>;
  abstract refresh(request: ResourceRequest): Promise<DriftReport>;

  /**
   * Issues new credentials for the resource (new password, new access key) while keeping the old ones valid, and
   * returns the new connection values. `revoke` is called once every workload has rolled onto the new ones.
   */
  rotate?(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }>;
  revoke?(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void>;
}

/** Opaque, non-secret description of the credentials to revoke after a rotation (e.g. the old access key id). */
export type RevokeHandle = Record<string, string>;
