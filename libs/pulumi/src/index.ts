// The driver and the hook a provider plugs into it.
export {
  PulumiDriver,
  DEFAULT_CANCEL_GRACE_MS,
  type DriverRun,
  type PulumiDriverOptions,
  type TypedRun,
} from './driver/pulumi-driver';
export { RunDeadline, type RunDeadlineOptions } from './driver/run-deadline';
export type { StackConfigurator } from './driver/stack-configurator.port';
// What a provider's programs are and return.
export * from './program/program';
export { moduleBeside, loadProgramModule, programFor } from './program/program-module';
export { splitOutputs } from './program/stack-outputs';
// Stacks, names, the passphrase.
export { PULUMI_PROJECT, STACK_NAME_RULE, stackName, stackNameOf } from './stack/stack-name';
export { PASSPHRASE_FILE, resolvePassphrase } from './stack/passphrase';
export { fitName, shortHash, type NameRule } from './naming/resource-name';
// Where runs happen.
export { ForkJobLauncher, runnerEntry, type ForkJobLauncherOptions } from './runner/fork-job-launcher';
export { InProcessJobLauncher, abortedError, type JobLauncher, type LaunchOptions } from './runner/job-launcher';
export type { JobResult, StackJob, StackOperation } from './runner/stack-job';
export type {
  PulumiStackHandle,
  PulumiWorkspace,
  StackConfig,
  StackLock,
  StackOutputs,
  StackRunOptions,
  StackSettings,
} from './workspace/pulumi-workspace.port';
// The CLI and errors.
export { ExecPulumiCliLocator, type PulumiCliLocator, type PulumiCliStatus } from './cli/pulumi-cli';
export { MISSING_CLI_MESSAGE, mapPulumiError, type ErrorRule } from './errors/pulumi-error-mapping';
export type { JobEvent } from './events/engine-events';
// Its settings (BERTH_PULUMI_*).
export {
  PULUMI_EXPECTATIONS,
  PulumiSettings,
  readPulumiSettings,
  type PulumiSettingsRead,
} from './settings/pulumi.settings';
