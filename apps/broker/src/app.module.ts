import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { AccessModule } from './access/access.module';
import { AdaptersModule, type AdaptersOptions } from './adapters/adapters.module';
import { ApplicationsModule } from './applications/applications.module';
import { WorkflowModule } from './workflow/workflow.module';
import type { BerthConfig } from './config/berth-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DefinitionsModule } from './definitions/definitions.module';
import { EnvironmentsModule } from './environments/environments.module';
import { ExternalSecretsModule } from './external-secrets/external-secrets.module';
import { HealthModule } from './health/health.module';
import { HttpPolicyModule } from './http/http-policy.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { loggingOptions } from './logging/logging.options';
import { ManifestsModule } from './manifests/manifests.module';
import { MetricsModule } from './metrics/metrics.module';
import { RotationModule } from './rotation/rotation.module';
import { SecretsModule } from './secrets/secrets.module';

export interface AppModuleOptions extends AdaptersOptions {
  /** Further feature modules (e.g. the lifecycle: operations, worker). */
  imports?: ModuleMetadata['imports'];
  /** An opened, migrated DataSource to use instead of opening one from the configuration. */
  dataSource?: DataSource;
}

/**
 * The whole service. Infrastructure first (config, logging, database, metrics, health: all global), then the API's
 * feature modules. A feature module gets the DataSource, repositories, BERTH_CONFIG and ReadinessService injected.
 */
@Module({})
export class AppModule {
  static forRoot(config: BerthConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggingOptions(config)),
        HttpPolicyModule,
        DatabaseModule.forRoot(config, options.dataSource),
        SecretsModule,
        MetricsModule,
        HealthModule,
        AccessModule,
        AdaptersModule.forRoot(config, options),
        LifecycleModule,
        EnvironmentsModule,
        ApplicationsModule,
        WorkflowModule,
        DefinitionsModule,
        ManifestsModule,
        ExternalSecretsModule,
        RotationModule,
        ...(options.imports ?? []),
      ],
    };
  }
}
