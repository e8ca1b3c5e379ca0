import type * as pulumi from '@pulumi/pulumi';
import type { CloudComponentType, ResourceRequest } from '@berth/core';
import type { ErrorRule } from '../errors/pulumi-error-mapping';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The serializable part of a ResourceRequest a program is built from (what travels to the runner process): all of
 * it but the signal, and the secret properties, which travel as secret stack config instead.
 */
export type ProgramRequest = Omit<ResourceRequest, 'signal' | 'secretProperties'>;

/** What an inline program is built from: the request, its secret properties as Pulumi secrets, the runner's env. */
export type ProgramInput = ProgramRequest & {
  /** Secret properties (e.g. `password`), already wrapped as Pulumi secrets. */
  secrets: Record<string, pulumi.Output<string>>;
  /** Where the credential env vars the profile names are read from (the runner's process.env). */
  env: Env;
};

/** What a program exports: its connection keys, and the ids the broker records. */
export interface ProgramOutputs {
  connection: Record<string, pulumi.Output<string>>;
  externalIds: Record<string, pulumi.Output<string>>;
}

export type Program = (input: ProgramInput) => Promise<ProgramOutputs>;

/** A provider's programs, one per component type it provisions. */
export type ProgramRegistry = Readonly<Partial<Record<CloudComponentType, Program>>>;

/**
 * What the runner process loads from a configurator's `programModule`: the module's named export `programs`.
 * Loaded by path because a runner is another process: functions cannot travel to it, module paths can.
 */
export interface ProgramModule {
  programs: ProgramRegistry;
  /** The provider's cloud SDK error codes, mapped to Berth's (checked after Pulumi's own, before common words). */
  errorRules?: readonly ErrorRule[];
}

/** Stack output holding the external ids; every other stack output is a connection key. */
export const EXTERNAL_IDS_OUTPUT = 'berth:externalIds';
