/** What tests, benchmarks and later modules use of the broker service. */
export { createApp, resolveConfig, type CreateAppOptions } from './app.factory';
export { AppModule, type AppModuleOptions } from './app.module';
export { BERTH_CONFIG, type BerthConfig, type LogLevel } from './config/berth-config';
export { ConfigError } from './config/config.error';
export { loadConfig, readConfig } from './config/config.loader';
export { ReadinessService } from './health/readiness.service';
export { BrokerError, BrokerErrorCode } from './problems/broker.error';
export { ERROR_FAMILIES, type ErrorFamily, type ProblemMapping } from './problems/error-families';
export { AdaptersModule, type AdaptersOptions } from './adapters/adapters.module';
export { adapterSettingsProblems, builtinProviders } from './adapters/builtin-providers';
export { ProviderRegistry, type ResolvedProvider } from './adapters/provider.registry';
export { RuntimeRegistry } from './adapters/runtime.registry';
export { LocalWorkloadRuntime, LOCAL_RUNTIME_KIND } from './adapters/local-workload.runtime';
