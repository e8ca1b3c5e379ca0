import type { ApplyResult, DriftReport, OperationLog, ResourcePlan, ResourceRequest, RevokeHandle } from '@berth/core';
import type { LocalProviderOptions } from '../local-provider.options';
import type { StateStore } from '../state/state.store';
import type { LocalState, ResourceRecord } from '../state/local-state';
import type { SecretDeriver } from '../support/secret-deriver';
import type { PoolSettings } from '../vpc/vpc.resource';

/** What every handler of the local provider shares: its state, its derived secrets, its settings. */
export interface LocalHandlerContext {
  store: StateStore<LocalState>;
  secrets: SecretDeriver;
  options: LocalProviderOptions;
  dataDir: string;
  /** Root of the provider's own files: `<dataDir>/local`. */
  root: string;
  host: string;
  /** The address pool of a profile (vpc). */
  poolOf(request: ResourceRequest): PoolSettings;
}

/** One component type as the local provider serves it: the port's methods for that type, and its embedded servers. */
export interface LocalTypeHandler {
  preview(request: ResourceRequest): Promise<ResourcePlan>;
  apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult>;
  destroy(request: ResourceRequest, log: OperationLog): Promise<void>;
  refresh(request: ResourceRequest): Promise<DriftReport>;
  /** Absent: the type has no credentials to rotate. */
  rotate?(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }>;
  revoke?(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void>;
  /** Problems that make a component impossible here (JSON pointers relative to its properties). */
  validate?(properties: Record<string, unknown>): Array<{ path: string; message: string }>;
  /** At start: brings back the embedded servers of the recorded resources of this type. */
  restore?(records: ResourceRecord[], log: OperationLog): Promise<void>;
  /** Stops this type's embedded servers (data stays on disk). */
  close?(): Promise<void>;
  /** Whether the embedded server of a resource is up. */
  isRunning?(id: string): boolean;
}

export type LocalHandlerFactory = (context: LocalHandlerContext) => LocalTypeHandler;
