import type { ProviderProfile, ValidationProblem } from '@berth/core';
import type { StackConfigurator } from '../driver/stack-configurator.port';
import { moduleBeside } from '../program/program-module';

/**
 * A configurator for a made-up cloud, for the driver's own specs. Profile settings: `backendUrl` (optional),
 * `tokenEnv` (the env var holding its credential), `region` (required, becomes `test:region`).
 */
export const testConfigurator: StackConfigurator = {
  validateProfile(profile: ProviderProfile): ValidationProblem[] {
    return typeof profile.settings.region === 'string'
      ? []
      : [{ path: '/region', message: 'region is required (a string)' }];
  },
  stackConfig: (request) => ({ 'test:region': { value: String(request.profile.settings.region) } }),
  backendUrl: (request) =>
    typeof request.profile.settings.backendUrl === 'string' ? request.profile.settings.backendUrl : undefined,
  credentialEnv: (request) =>
    typeof request.profile.settings.tokenEnv === 'string' ? [request.profile.settings.tokenEnv] : [],
  programModule: moduleBeside(__filename, __dirname, 'test-programs'),
};
