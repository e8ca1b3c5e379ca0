import { PROVIDER_KINDS, RUNTIME_KINDS } from '@berth/core';

/** The provider and runtime kinds an environment may name. Tests and later modules may extend the lists. */
export interface EnvironmentKinds {
  provider: readonly string[];
  runtime: readonly string[];
}

export const ENVIRONMENT_KINDS = Symbol('ENVIRONMENT_KINDS');

export const DEFAULT_ENVIRONMENT_KINDS: EnvironmentKinds = { provider: PROVIDER_KINDS, runtime: RUNTIME_KINDS };
