import type { JsonObject } from './application';

/** An adapter plus its settings. Credentials are referenced (env var names, file paths), never stored in clear. */
export interface ProviderProfile {
  /** A kind a registered adapter serves (the service's provider registry: `local`, `alicloud`, `apsara`, tests' `test`). */
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
