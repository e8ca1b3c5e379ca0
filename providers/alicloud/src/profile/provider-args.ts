import type * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { ProviderError, ProviderErrorCode, type ProviderProfile } from '@berth/core';
import type { Env } from '@berth/pulumi';
import { readAlicloudSettings } from './alicloud-profile';

export const DEFAULT_ACCESS_KEY_ENV = 'ALICLOUD_ACCESS_KEY';
export const DEFAULT_SECRET_KEY_ENV = 'ALICLOUD_SECRET_KEY';

/**
 * The arguments of the one explicit `alicloud.Provider` of a program, built from the profile. Credentials are read
 * from the environment variables (or the credentials file) the profile names, and passed as Pulumi secrets so they
 * are encrypted in the stack state.
 */
export function buildProviderArgs(profile: ProviderProfile, env: Env): alicloud.ProviderArgs {
  const s = readAlicloudSettings(profile);
  const apsara = profile.kind === 'apsara';
  const args: alicloud.ProviderArgs = { region: s.region };
  const c = s.credentials ?? {};
  if (c.file !== undefined) {
    args.sharedCredentialsFile = c.file;
    if (c.profile !== undefined) args.profile = c.profile;
  } else {
    const idEnv = c.accessKeyIdEnv ?? DEFAULT_ACCESS_KEY_ENV;
    const secretEnv = c.accessKeySecretEnv ?? DEFAULT_SECRET_KEY_ENV;
    args.accessKey = pulumi.secret(requireEnv(env, idEnv));
    args.secretKey = pulumi.secret(requireEnv(env, secretEnv));
    if (c.securityTokenEnv !== undefined) args.securityToken = pulumi.secret(requireEnv(env, c.securityTokenEnv));
  }
  if (s.assumeRole !== undefined) {
    args.assumeRole = {
      roleArn: s.assumeRole.roleArn,
      sessionName: s.assumeRole.sessionName ?? 'berth',
      ...(s.assumeRole.externalId !== undefined ? { externalId: s.assumeRole.externalId } : {}),
      ...(s.assumeRole.sessionExpiration !== undefined ? { sessionExpiration: s.assumeRole.sessionExpiration } : {}),
    };
  }
  if (s.endpoints !== undefined) args.endpoints = [{ ...s.endpoints }];
  if (s.protocol !== undefined) args.protocol = s.protocol;
  const skip = s.skipRegionValidation ?? apsara;
  if (skip) args.skipRegionValidation = true;
  return args;
}

/** The env vars this profile's credentials are read from: their values are scrubbed from everything a run reports. */
export function credentialEnvNames(profile: ProviderProfile): string[] {
  const c = readAlicloudSettings(profile).credentials ?? {};
  if (c.file !== undefined) return [];
  const names = [c.accessKeyIdEnv ?? DEFAULT_ACCESS_KEY_ENV, c.accessKeySecretEnv ?? DEFAULT_SECRET_KEY_ENV];
  if (c.securityTokenEnv !== undefined) names.push(c.securityTokenEnv);
  return names;
}

function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ProviderError(
      ProviderErrorCode.Unauthorized,
      `the environment variable ${name} named by the profile's credentials is not set in the broker's environment`,
    );
  }
  return value;
}
