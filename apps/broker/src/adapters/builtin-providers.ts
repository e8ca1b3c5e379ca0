import {
  formatSettingProblem,
  longestStepTimeoutMs,
  resolveStepTimeouts,
  type ResourceProvider,
  type SettingsEnvironment,
} from '@berth/core';
import { AlicloudResourceProvider } from '@berth/provider-alicloud';
import { LocalResourceProvider } from '@berth/provider-local';
import { BUILTIN_TYPES } from '@berth/types';
import type { BerthConfig } from '../config/berth-config';

/**
 * The providers every service has. Each reads its own settings from `env` (BERTH_LOCAL_* in providers/local,
 * BERTH_PULUMI_* in libs/pulumi) and names what is wrong with them in validateSettings(); the service only passes the
 * data dir and, to alicloud, the longest step deadline (a Pulumi lock older than it has outlived any run).
 */
export function builtinProviders(config: BerthConfig, env: SettingsEnvironment): ResourceProvider[] {
  return [
    new LocalResourceProvider({ dataDir: config.dataDir, env }),
    new AlicloudResourceProvider({
      dataDir: config.dataDir,
      env,
      longestDeadlineMs: longestStepTimeoutMs(resolveStepTimeouts(config.lifecycle?.timeouts, BUILTIN_TYPES)),
    }),
  ];
}

/** Every adapter's settings problems, one line each as boot prints them (`BERTH_LOCAL_MYSQL_URL: must be …`). */
export function adapterSettingsProblems(providers: Iterable<ResourceProvider>): string[] {
  return [...providers].flatMap((provider) => (provider.validateSettings?.() ?? []).map(formatSettingProblem));
}
