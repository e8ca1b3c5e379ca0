import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  PROVIDER_KINDS,
  RUNTIME_KINDS,
  longestStepTimeoutMs,
  resolveStepTimeouts,
  type OperationLog,
  type ResourceProvider,
  type WorkloadRuntime,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { KubernetesWorkloadRuntime } from '@berth/kube';
import { EnvironmentRepository, WorkloadDeliveryRepository } from '@berth/persistence';
import { AlicloudResourceProvider } from '@berth/provider-alicloud';
import { LocalResourceProvider } from '@berth/provider-local';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import type { EnvironmentKinds } from '../config/environment-kinds';
import { ReadinessService } from '../health/readiness.service';
import { LocalWorkloadRuntime } from './local-workload.runtime';
import { ProviderRegistry } from './provider.registry';
import { RuntimeRegistry } from './runtime.registry';

export interface AdaptersOptions {
  /** Further providers (tests: the TestResourceProvider of kind `test`); a kind registered here wins. */
  extraProviders?: ResourceProvider[];
  /** Further runtimes; a kind registered here wins. */
  extraRuntimes?: WorkloadRuntime[];
}

/** The provider and runtime kinds an environment may name: core's, plus every registered extra kind. */
export function environmentKindsWith(options: AdaptersOptions): EnvironmentKinds {
  return {
    provider: [...new Set([...PROVIDER_KINDS, ...(options.extraProviders ?? []).flatMap((p) => [...p.kinds])])],
    runtime: [...new Set([...RUNTIME_KINDS, ...(options.extraRuntimes ?? []).map((r) => r.kind)])],
  };
}

export function localProviderOf(config: BerthConfig): LocalResourceProvider {
  return new LocalResourceProvider({
    dataDir: config.dataDir,
    ...(config.localPostgresUrl ? { postgresAdminUrl: config.localPostgresUrl } : {}),
    ...(config.localMysqlUrl ? { mysqlAdminUrl: config.localMysqlUrl } : {}),
    ...(config.localRedisUrl ? { redisUrl: config.localRedisUrl } : {}),
    ...(config.localS3Url ? { s3Url: config.localS3Url } : {}),
    ...(config.localS3AccessKeyId ? { s3AccessKeyId: config.localS3AccessKeyId } : {}),
    ...(config.localS3SecretAccessKey ? { s3SecretAccessKey: config.localS3SecretAccessKey } : {}),
  });
}

/**
 * The alicloud/apsara adapter with the validated BERTH_PULUMI_* settings of the configuration (not process.env: what
 * the boot checked is what the driver uses). The cloud credentials it names are read by each runner process. Its
 * runs end at their steps' deadlines; the longest of those tells it when a Pulumi lock has outlived any run.
 */
export function alicloudProviderOf(config: BerthConfig): AlicloudResourceProvider {
  return new AlicloudResourceProvider({
    dataDir: config.dataDir,
    longestDeadlineMs: longestStepTimeoutMs(resolveStepTimeouts(config.lifecycle?.timeouts, BUILTIN_TYPES)),
    ...(config.pulumiConcurrency !== undefined ? { concurrency: config.pulumiConcurrency } : {}),
    env: {
      BERTH_DATA_DIR: config.dataDir,
      ...(config.pulumiCommand ? { BERTH_PULUMI_COMMAND: config.pulumiCommand } : {}),
      ...(config.pulumiPassphrase ? { BERTH_PULUMI_PASSPHRASE: config.pulumiPassphrase } : {}),
    },
  });
}

/**
 * Starts the local provider's embedded servers with the service (where operations run: roles `all` and `worker`)
 * and stops them at shutdown; registers one readiness check per provider kind, failing only for a kind that an
 * environment uses and that cannot work here.
 */
@Injectable()
class AdaptersLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Adapters');

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(ProviderRegistry) private readonly providers: ProviderRegistry,
    @Inject(EnvironmentRepository) private readonly environments: EnvironmentRepository,
    @Inject(ReadinessService) private readonly readiness: ReadinessService,
  ) {}

  onModuleInit(): void {
    for (const kind of this.providers.kinds()) {
      this.readiness.register(`provider:${kind}`, async () => {
        const environments = await this.environments.list();
        const profile = environments
          .flatMap((e) => [e.provider, ...Object.values(e.profiles ?? {})])
          .find((p) => p.kind === kind);
        const provider = this.providers.get(kind);
        if (!profile) {
          // No environment uses it: not a reason to be unready, but say that it could not work here.
          const tooling = provider.tooling ? await provider.tooling() : { available: true };
          return tooling.available
            ? undefined
            : `unavailable here (no environment uses it): ${tooling.reason ?? `${kind} cannot work here`}`;
        }
        const availability = await provider.availability(profile);
        if (!availability.available) throw new Error(availability.reason ?? `${kind} is not available here`);
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    const log: OperationLog = {
      log: (level, message) =>
        level === 'error' || level === 'warn' ? this.logger.warn(message) : this.logger.log(message),
    };
    await Promise.all(this.providers.providers().map((provider) => provider.start?.(log)));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.providers.providers().map((provider) => provider.close?.()));
  }
}

/** The ResourceProviders (by profile kind) and WorkloadRuntimes (by runtime kind) of this service, for every module. */
@Global()
@Module({})
export class AdaptersModule {
  static forRoot(config: BerthConfig, options: AdaptersOptions = {}): DynamicModule {
    return {
      module: AdaptersModule,
      providers: [
        {
          provide: ProviderRegistry,
          useFactory: () =>
            new ProviderRegistry([
              localProviderOf(config),
              alicloudProviderOf(config),
              ...(options.extraProviders ?? []),
            ]),
        },
        {
          provide: RuntimeRegistry,
          useFactory: (deliveries: WorkloadDeliveryRepository) =>
            new RuntimeRegistry([
              new LocalWorkloadRuntime(deliveries),
              new KubernetesWorkloadRuntime({ kubeconfigDirs: config.kubeconfigDirs }),
              ...(options.extraRuntimes ?? []),
            ]),
          inject: [WorkloadDeliveryRepository],
        },
        AdaptersLifecycle,
      ],
      exports: [ProviderRegistry, RuntimeRegistry],
    };
  }
}
