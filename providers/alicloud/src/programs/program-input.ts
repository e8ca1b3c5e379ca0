import type * as pulumi from '@pulumi/pulumi';
import type { CloudComponentType, DependencyOutputs, JsonObject, ProviderProfile } from '@berth/core';
import type { Env } from '../profile/provider-args';

/** What an inline program is built from: a ResourceRequest without its signal, secrets as Pulumi secrets. */
export interface ProgramInput {
  environment: string;
  application: string;
  component: string;
  type: CloudComponentType;
  profile: ProviderProfile;
  properties: JsonObject;
  dependencies: Record<string, DependencyOutputs>;
  externalIds: Record<string, string>;
  idempotencyKey: string;
  /** Secret properties (e.g. `password`), already wrapped as Pulumi secrets. */
  secrets: Record<string, pulumi.Output<string>>;
  /** Where the credential env vars the profile names are read from (the runner's process.env). */
  env: Env;
}

/** What a program exports: its connection keys, and the ids the broker records. */
export interface ProgramOutputs {
  connection: Record<string, pulumi.Output<string>>;
  externalIds: Record<string, pulumi.Output<string>>;
}

export type Program = (input: ProgramInput) => Promise<ProgramOutputs>;

/** Stack output holding the external ids; every other stack output is a connection key. */
export const EXTERNAL_IDS_OUTPUT = 'berth:externalIds';
