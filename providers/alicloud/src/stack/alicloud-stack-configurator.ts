import { join } from 'node:path';
import { moduleBeside, type StackConfigurator } from '@berth/pulumi';
import { readAlicloudSettings, validateAlicloudProfile } from '../profile/alicloud-profile';
import { credentialEnvNames } from '../profile/provider-args';

/**
 * Alibaba Cloud's side of a Pulumi run (public `alicloud` and private `apsara` alike): the region and "no default
 * provider" as stack config, the profile's state backend, the env vars its credentials are read from, and the
 * programs. Endpoints, protocol and region checks of apsara go into the program's explicit provider.
 */
export const alicloudStackConfigurator: StackConfigurator = {
  validateProfile: validateAlicloudProfile,
  stackConfig: (request) => ({
    'alicloud:region': { value: readAlicloudSettings(request.profile).region },
    // Every resource must go through the program's explicit provider.
    'pulumi:disable-default-providers': { value: '["alicloud"]' },
  }),
  backendUrl: (request) => readAlicloudSettings(request.profile).backendUrl,
  credentialEnv: (request) => credentialEnvNames(request.profile),
  programModule: moduleBeside(__filename, join(__dirname, '..', 'programs'), 'program-registry'),
};
