import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from './berth-config';

/** The validated configuration (BERTH_CONFIG), for every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: BerthConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: BERTH_CONFIG, useValue: config }],
      exports: [BERTH_CONFIG],
    };
  }
}
