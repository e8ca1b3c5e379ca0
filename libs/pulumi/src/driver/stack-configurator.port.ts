import type { ProviderProfile, ResourceRequest, ValidationProblem } from '@berth/core';
import type { StackConfig } from '../workspace/pulumi-workspace.port';

/**
 * What a provider plugs into the driver: everything about a run that depends on the cloud. The driver owns stacks,
 * backends, secrets, runner processes, locks and the watchdog; it knows no cloud and asks this hook instead.
 */
export interface StackConfigurator {
  /** Problems in a profile's settings; a run on such a profile is refused (InvalidRequest) before anything starts. */
  validateProfile(profile: ProviderProfile): ValidationProblem[];
  /**
   * Stack config of a run besides Berth's own `berth:*` keys, e.g. `alicloud:region`. Called only for a valid
   * profile. Never literal credentials: name them in `credentialEnv`, the program reads them in the runner.
   */
  stackConfig(request: ResourceRequest): StackConfig;
  /** The state backend the profile names (e.g. OSS through its S3-compatible URL); undefined: the file backend. */
  backendUrl(request: ResourceRequest): string | undefined;
  /**
   * Names of the env vars the program reads credentials from. Their values never leave a run: they are scrubbed
   * from every event, error and runner output.
   */
  credentialEnv(request: ResourceRequest): string[];
  /**
   * Absolute path of the module exporting `programs` (a ProgramModule), loaded by the runner process; build it with
   * `moduleBeside(__filename, __dirname, '…')` so it names the `.js` file in dist and the source under vitest/tsx.
   */
  readonly programModule: string;
}
