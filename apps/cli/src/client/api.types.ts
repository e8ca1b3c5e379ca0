/**
 * The shapes of the Berth REST API (docs/api.md) as the command line reads them. The CLI is a plain HTTP client of the
 * service, so it keeps its own copy of the contract instead of importing the server's model; fields the CLI does not
 * read are left out or typed loosely.
 */

export type ApplicationPhase = 'Pending' | 'Provisioning' | 'Ready' | 'Failed' | 'Deleting' | 'DeleteFailed';
export type ComponentPhase = 'Pending' | 'Provisioning' | 'Ready' | 'Failed' | 'Deleting' | 'Deleted' | 'Retained';
export type OperationState = 'Queued' | 'Running' | 'Succeeded' | 'Failed' | 'Superseded';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ComponentStatus {
  name: string;
  type: string;
  kind?: 'cloud' | 'workload' | string;
  phase: ComponentPhase | string;
  provider?: string;
  externalIds?: Record<string, string>;
  outputs?: Record<string, string>;
  secret?: { name: string; version: number; keys: string[] } | null;
  conditions?: Condition[];
  lastError?: string | { message?: string; code?: string } | null;
}

export interface OperationSummary {
  id: string;
  kind: string;
  state: OperationState | string;
  generation?: number;
  createdAt?: string;
  finishedAt?: string | null;
  error?: unknown;
}

export interface Application {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    environment?: string;
    generation?: number;
    createdAt?: string;
    updatedAt?: string;
    /** On a delivery: the home environment of the Application whose topology delivered it. */
    deliveredFrom?: string;
  };
  spec: { components: unknown[]; policies?: unknown[] };
  status?: {
    phase: ApplicationPhase | string;
    observedGeneration?: number;
    conditions?: Condition[];
    components?: ComponentStatus[];
    lastOperation?: OperationSummary | null;
    /** An Application with a topology: each other environment it is delivered to. */
    deliveries?: DeliverySummary[];
    /** An Application with spec.workflow: its run's steps and their phases. */
    workflow?: WorkflowStatus;
  };
}

export interface WorkflowStepStatus {
  name: string;
  type: string;
  phase: string;
  reason?: string;
  message?: string;
  attempts: number;
  targets?: Record<string, { phase: string; message?: string }>;
  subSteps?: WorkflowStepStatus[];
}

export interface WorkflowStatus {
  phase: string;
  revision: string;
  steps: WorkflowStepStatus[];
}

export interface DeliverySummary {
  environment: string;
  phase: ApplicationPhase | string;
  generation: number;
  observedGeneration: number;
  conditions?: Condition[];
}

/** PUT answer: the Application, plus the queued operation and whether the content was unchanged. */
export interface ApplyResult extends Application {
  operation?: OperationSummary;
  unchanged?: boolean;
  /** What the server accepted but points out (e.g. pasted read-only fields it ignored, a secure default it kept). */
  warnings?: { path: string; message: string }[];
  dryRun?: boolean;
}

export interface ApplicationSummary {
  name: string;
  environment: string;
  generation: number;
  phase: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  total?: number;
  limit?: number;
  offset?: number;
}

export interface OperationStep {
  id: string;
  action: string;
  component?: string;
  state: string;
  attempts?: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: unknown;
}

export interface Operation extends OperationSummary {
  environment: string;
  application: string;
  attempts?: number;
  startedAt?: string | null;
  steps?: OperationStep[];
}

export interface OperationEvent {
  seq: number;
  operationId: string;
  time: string;
  level: string;
  step?: string;
  component?: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface Environment {
  name: string;
  provider: { kind: string; settings?: Record<string, unknown> };
  profiles?: Record<string, { kind: string; settings?: Record<string, unknown> }>;
  runtime: { kind: string; settings?: Record<string, unknown> };
  createdAt?: string;
  updatedAt?: string;
}

export interface BoundVariable {
  name: string;
  secret?: string;
  key?: string;
  sensitive: boolean;
  value: string | null;
}

export interface WorkloadEnv {
  component: string;
  variables: BoundVariable[];
}

export interface DefinitionSummary {
  name: string;
  kind: string;
  category?: string;
  aliases?: string[];
  description?: string;
}

/** A connection key as the server describes it; older answers may send bare key names. */
export type ConnectionKey = string | { name: string; sensitive?: boolean; description?: string };

export interface Definition extends DefinitionSummary {
  schema?: JsonSchema;
  connectionKeys?: ConnectionKey[];
  markdown?: string;
}

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  [keyword: string]: unknown;
}
