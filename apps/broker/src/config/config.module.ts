import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DEFAULT_ENVIRONMENT_KINDS, ENVIRONMENT_KINDS, type EnvironmentKinds } from './environment-kinds';
import { BERTH_CONFIG, type BerthConfig } from './berth-config';

/** The validated configuration (BERTH_CONFIG) and the accepted environment kinds, for every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: BerthConfig, environmentKinds: EnvironmentKinds = DEFAULT_ENVIRONMENT_KINDS): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: BERTH_CONFIG, useValue: config },
        { provide: ENVIRONMENT_KINDS, useValue: environmentKinds },
      ],
      exports: [BERTH_CONFIG, ENVIRONMENT_KINDS],
    };
  }
}
