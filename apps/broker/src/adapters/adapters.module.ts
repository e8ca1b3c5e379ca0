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
import { type OperationLog, type ResourceProvider, type WorkloadRuntime } from '@berth/core';
import { KubernetesWorkloadRuntime } from '@berth/kube';
import { EnvironmentRepository, WorkloadDeliveryRepository } from '@berth/persistence';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { ReadinessService } from '../health/readiness.service';
import { builtinProviders } from './builtin-providers';
import { LocalWorkloadRuntime } from './local-workload.runtime';
import { ProviderRegistry } from './provider.registry';
import { RuntimeRegistry } from './runtime.registry';

export interface AdaptersOptions {
  /** Further providers (tests: the TestResourceProvider of kind `test`); a kind registered here wins. */
  extraProviders?: ResourceProvider[];
  /** Further runtimes; a kind registered here wins. */
  extraRuntimes?: WorkloadRuntime[];
  /**
   * The built-in providers, already made (createApp makes them first to check their settings at boot). Default: made
   * here from `env`.
   */
  providers?: ResourceProvider[];
  /** Environment variables the adapters read their own settings from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the adapters through their ports (the local provider's embedded servers, …) with the service where
 * operations run (roles `all` and `worker`) and closes them at shutdown; registers one readiness check per provider kind, failing only for a kind that an
 * environment uses and that cannot work here.
 */
@Injectable()
class AdaptersLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Adapters');

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(ProviderRegistry) private readonly providers: ProviderRegistry,
    @Inject(RuntimeRegistry) private readonly runtimes: RuntimeRegistry,
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
    await Promise.all([
      ...this.providers.providers().map((provider) => provider.start?.(log)),
      ...this.runtimes.runtimes().map((runtime) => runtime.start?.(log)),
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      ...this.providers.providers().map((provider) => provider.close?.()),
      ...this.runtimes.runtimes().map((runtime) => runtime.close?.()),
    ]);
  }
}

/**
 * The ResourceProviders (by profile kind) and WorkloadRuntimes (by runtime kind) of this service, for every module.
 * Their kinds are the kinds an environment may name.
 */
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
              ...(options.providers ?? builtinProviders(config, options.env ?? process.env)),
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
