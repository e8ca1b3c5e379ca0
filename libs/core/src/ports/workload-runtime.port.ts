import type { ValidationProblem } from '../errors/validation-problem';
import type { RuntimeSpec, WorkloadComponentSpec } from '../model';
import type { OperationLog } from './operation-log';

/** A connection secret as the runtime needs it: every key with its value, and which keys are sensitive. */
export interface ConnectionSecretMaterial {
  /** Name in the runtime (`writeConnectionSecretToRef.name`). */
  name: string;
  /** `writeConnectionSecretToRef.namespace`, when given: where the kubernetes runtime writes it. */
  namespace?: string;
  component: string;
  version: number;
  data: Record<string, string>;
  sensitiveKeys: string[];
}

export interface ResolvedEnvVar {
  name: string;
  secretName: string;
  key: string;
  sensitive: boolean;
  /**
   * The Secret is not one the application creates: it exists in the runtime already (kubernetes: a secretKeyRef to it
   * as written). Berth holds none of its values, so it is not versioned and counts as sensitive.
   */
  external?: boolean;
}

export interface WorkloadDelivery {
  component: WorkloadComponentSpec;
  env: ResolvedEnvVar[];
  /** Hash of the versions of every secret the workload binds; a change rolls the workload. */
  bindingsChecksum: string;
}

/** An Application's labels and annotations as written (a delivery carries its home's). */
export interface ApplicationMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface DeliveryRequest {
  environment: string;
  application: string;
  runtime: RuntimeSpec;
  workloads: WorkloadDelivery[];
  secrets: ConnectionSecretMaterial[];
  /** The Application's own `metadata.labels` and `annotations`, carried onto every object the runtime renders. */
  metadata?: ApplicationMetadata;
  signal: AbortSignal;
  /**
   * Delete the application's objects (workloads and secrets) that this delivery does not contain. Default true: the
   * request is the complete desired set. Set false when delivering only some workloads (others still wait for their
   * secrets), so the ones not listed keep running.
   */
  prune?: boolean;
}

export interface RemovalRequest {
  environment: string;
  application: string;
  runtime: RuntimeSpec;
  /** Only these workloads (pruning); all of the application's when absent. */
  components?: string[];
  /** Also remove the application's connection secrets. */
  includeSecrets: boolean;
  signal: AbortSignal;
}

export interface WorkloadStatus {
  component: string;
  ready: boolean;
  message: string;
  /**
   * What of the component this runtime does not carry out (the local runtime: ports exposure, probes, most traits…),
   * each named as the Application writes it; listed in the component's status, never dropped silently.
   */
  notApplied?: string[];
}

/** Runs workloads and hands them their bound secrets. Registered by runtime kind. */
/**
 * What a runtime does with a `service-binding` to a Secret the application does not create (neither a cloud component
 * nor one of its connection secrets): binds it as it is, or refuses it with the runtime's reason.
 */
export type ExistingSecretBinding = 'bind' | { readonly refused: string };

export abstract class WorkloadRuntime {
  abstract readonly kind: string;

  /**
   * How a workload here binds a Secret the application does not create: `'bind'` as it is (Kubernetes: a secretKeyRef
   * to it), or refused with this runtime's reason, at the binding, when the Application is PUT. Absent: such a name
   * is refused as unknown.
   */
  readonly existingSecrets?: ExistingSecretBinding;

  /** Brings up what the runtime keeps open (watches, clients) when a worker starts. Absent: nothing to start. */
  start?(log?: OperationLog): Promise<void>;

  /** Releases what start (or any call) opened, at shutdown. Absent: nothing to release. */
  close?(): Promise<void>;

  abstract deliver(request: DeliveryRequest, log: OperationLog): Promise<WorkloadStatus[]>;
  abstract remove(request: RemovalRequest, log: OperationLog): Promise<void>;
  abstract status(request: Omit<RemovalRequest, 'includeSecrets'>): Promise<WorkloadStatus[]>;

  /**
   * The namespace this runtime places an environment's objects in, when it has such a thing (Kubernetes: the
   * settings' `namespace`). An Application naming another `metadata.namespace` is refused. Absent: no namespaces.
   */
  namespaceOf?(runtime: RuntimeSpec): string | undefined;

  /**
   * What is wrong with an environment's `runtime.settings` for this runtime, each problem at its field (a JSON pointer
   * relative to the settings), without contacting the runtime. Empty when they can be used.
   */
  validateSettings(_runtime: RuntimeSpec): ValidationProblem[] {
    return [];
  }
}
