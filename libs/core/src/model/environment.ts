import type { JsonObject } from './application';

export const PROVIDER_KINDS = ['local', 'alicloud', 'apsara'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const RUNTIME_KINDS = ['local', 'kubernetes'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** An adapter plus its settings. Credentials are referenced (env var names, file paths), never stored in clear. */
export interface ProviderProfile {
  /** `local`, `alicloud`, `apsara`; tests register further kinds (e.g. `test`). */
  kind: string;
  settings: JsonObject;
}

export interface RuntimeSpec {
  kind: string;
  settings: JsonObject;
}

export interface EnvironmentSpec {
  name: string;
  /** The environment's default provider profile. */
  provider: ProviderProfile;
  /** Named profiles a component can select with `providerRef.name`. */
  profiles: Record<string, ProviderProfile>;
  runtime: RuntimeSpec;
  /** Kubernetes-style labels; a topology's `clusterLabelSelector` selects environments by them. */
  labels?: Record<string, string>;
}
