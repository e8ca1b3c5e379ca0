import {
  ProviderError,
  ProviderErrorCode,
  ResourceProvider,
  generatePassword,
  type ApplyResult,
  type CloudComponentType,
  type DriftReport,
  type JsonObject,
  type OperationLog,
  type ProviderAvailability,
  type ProviderProfile,
  type ResourcePlan,
  type ResourceRequest,
  type RevokeHandle,
  type SettingProblem,
} from '@berth/core';
import {
  ExecPulumiCliLocator,
  ForkJobLauncher,
  PulumiDriver,
  readPulumiSettings,
  splitOutputs,
  type JobLauncher,
  type PulumiCliLocator,
  type TypedRun,
} from '@berth/pulumi';
import { BUILTIN_TYPES } from '@berth/types';
import { ALICLOUD_PROFILE_KINDS, profileTimeoutMs, validateAlicloudProfile } from './profile/alicloud-profile';
import { accessKeyGenerations } from './programs/oss.program';
import { programs } from './programs/program-registry';
import { ALICLOUD_COMPONENT_CHECKS } from './profile/component-checks';
import { alicloudZoneProblems } from './profile/alicloud-zone';
import { alicloudStackConfigurator } from './stack/alicloud-stack-configurator';

export interface AlicloudProviderOptions {
  /** Default BERTH_DATA_DIR or ./.berth. */
  dataDir?: string;
  /** Default: a child process per run. */
  launcher?: JobLauncher;
  cli?: PulumiCliLocator;
  concurrency?: number;
  /** After a run's deadline, how long Pulumi may take to stop cleanly before its runner is killed. */
  cancelGraceMs?: number;
  /** The longest deadline a lifecycle step gets: a Pulumi lock older than it is stale (see PulumiDriverOptions). */
  longestDeadlineMs?: number;
  /**
   * Environment variables the adapter reads its BERTH_PULUMI_* settings from (default process.env); validateSettings()
   * names a bad one. The cloud credentials a profile names are read by each runner process, not from here.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Alibaba Cloud (public `alicloud` and private `apsara`) through @berth/pulumi and @pulumi/alicloud. A run's deadline
 * is its request's signal (the lifecycle step's timeout), or sooner when the profile's `timeouts` names one.
 */
export class AlicloudResourceProvider extends ResourceProvider {
  readonly kinds = ALICLOUD_PROFILE_KINDS;
  /** One Pulumi program per type (programs/program-registry.ts). */
  override readonly types: readonly string[] = Object.keys(programs);
  readonly driver: PulumiDriver;
  private readonly cli: PulumiCliLocator;
  private readonly settingsProblems: SettingProblem[];

  constructor(options: AlicloudProviderOptions = {}) {
    super();
    const env = options.env ?? process.env;
    const settings = readPulumiSettings(env);
    this.settingsProblems = settings.problems;
    this.cli = options.cli ?? new ExecPulumiCliLocator(settings.env);
    const concurrency = options.concurrency ?? settings.concurrency;
    this.driver = new PulumiDriver({
      dataDir: options.dataDir ?? env.BERTH_DATA_DIR ?? './.berth',
      configurator: alicloudStackConfigurator,
      launcher: options.launcher ?? new ForkJobLauncher(),
      cli: this.cli,
      env: settings.env,
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(options.cancelGraceMs !== undefined ? { cancelGraceMs: options.cancelGraceMs } : {}),
      ...(options.longestDeadlineMs !== undefined ? { longestDeadlineMs: options.longestDeadlineMs } : {}),
    });
  }

  /** The BERTH_PULUMI_* variables that cannot be used, each naming its variable. */
  override validateSettings(): SettingProblem[] {
    return this.settingsProblems;
  }

  async availability(profile: ProviderProfile): Promise<ProviderAvailability> {
    const problems = validateAlicloudProfile(profile);
    if (problems.length > 0) {
      return {
        available: false,
        reason: `profile settings: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`,
      };
    }
    const cli = await this.cli.detect();
    return cli.available ? { available: true } : { available: false, ...(cli.reason ? { reason: cli.reason } : {}) };
  }

  /** The pulumi CLI, whatever the profile. */
  override async tooling(): Promise<ProviderAvailability> {
    const cli = await this.cli.detect();
    return cli.available ? { available: true } : { available: false, ...(cli.reason ? { reason: cli.reason } : {}) };
  }

  validateProfile(profile: ProviderProfile): Array<{ path: string; message: string }> {
    return validateAlicloudProfile(profile);
  }

  /** The checks of the component's type on Alibaba Cloud (profile/component-checks.ts), then the zone checks. */
  override validateComponent(
    type: CloudComponentType,
    properties: JsonObject,
    profile?: ProviderProfile,
  ): Array<{ path: string; message: string }> {
    return [
      ...(ALICLOUD_COMPONENT_CHECKS[type]?.(properties, profile?.settings ?? {}) ?? []),
      ...alicloudZoneProblems(type, properties),
    ];
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    return { changes: await this.driver.preview(this.run(request)), exact: true };
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    return splitOutputs(BUILTIN_TYPES.connectionKeys(request.type), await this.driver.up(this.run(request, log)));
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    await this.driver.destroy(this.run(request, log));
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    return this.driver.refresh(this.run(request));
  }

  /**
   * A type whose rotation holds a secret input (rds, redis: an account has one password on Alibaba Cloud): a new
   * password set in place, so the old one stops working at once; the broker keeps the returned key as the input.
   * oss: creates a second access key for the bucket's RAM user and publishes it; the old key stays valid until
   * `revoke` deletes it.
   */
  override async rotate(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }> {
    const holds = BUILTIN_TYPES.get(request.type)?.rotation?.holds;
    if (holds) {
      const outputs = await this.driver.up({
        ...this.run(request, log),
        secretProperties: { ...request.secretProperties, [holds.input]: generatePassword() },
      });
      return { ...splitOutputs(BUILTIN_TYPES.connectionKeys(request.type), outputs), revoke: {} };
    }
    if (request.type === 'oss') {
      const generations = accessKeyGenerations(request.externalIds);
      const next = Math.max(...generations) + 1;
      const during = { ...request.externalIds, accessKeyGenerations: [...generations, next].join(',') };
      const applied = splitOutputs(
        BUILTIN_TYPES.connectionKeys('oss'),
        await this.driver.up({ ...this.run(request, log), externalIds: during }),
      );
      return {
        ...applied,
        // The steady state once revoked: only the new key.
        externalIds: { ...applied.externalIds, accessKeyGeneration: String(next), accessKeyGenerations: String(next) },
        revoke: {
          keepAccessKeyGeneration: String(next),
          ...(request.externalIds.accessKeyId ? { oldAccessKeyId: request.externalIds.accessKeyId } : {}),
        },
      };
    }
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      `a ${request.type} component has no credentials to rotate`,
    );
  }

  override async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    if (request.type !== 'oss' || handle.keepAccessKeyGeneration === undefined) return;
    const keep = handle.keepAccessKeyGeneration;
    await this.driver.up({
      ...this.run(request, log),
      externalIds: { ...request.externalIds, accessKeyGeneration: keep, accessKeyGenerations: keep },
    });
  }

  /** A driver run of the request: its deadline is the request's signal, or the profile's own when shorter. */
  private run(request: ResourceRequest, log?: OperationLog): TypedRun {
    const timeoutMs = profileTimeoutMs(request.profile, request.type);
    return { request, ...(log ? { log } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  }
}
