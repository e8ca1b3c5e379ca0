import { Global, Module } from '@nestjs/common';
import { OperationExecutor, type StepAction, type ComponentType } from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import {
  ApplicationRepository,
  EnvironmentRepository,
  ManagedResourceRepository,
  OperationRepository,
  WorkloadDeliveryRepository,
} from '@berth/persistence';
import { DataSource } from 'typeorm';
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { EnvironmentsModule } from '../environments/environments.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ApplicationLifecycleController } from './application-lifecycle.controller';
import { LifecycleSteps } from './lifecycle-steps';
import { LifecycleMetrics } from './lifecycle.metrics';
import { LifecycleService } from './lifecycle.service';
import { OperationRunner } from './operation.runner';
import { OperationsController } from './operations.controller';
import { loadSecretKey, SecretKeyring } from './secret-keyring';
import { RefreshScheduler } from './refresh.scheduler';
import { OPERATION_RUNNER, WorkerService } from './worker.service';

export function executorFor(config: BerthConfig): OperationExecutor {
  const tuning = config.lifecycle ?? {};
  return new OperationExecutor({
    types: BUILTIN_TYPES,
    ...(tuning.retry ? { retry: tuning.retry } : {}),
    ...(tuning.timeouts
      ? {
          timeouts: {
            ...(tuning.timeouts.defaultMs !== undefined ? { defaultMs: tuning.timeouts.defaultMs } : {}),
            ...(tuning.timeouts.byType
              ? { byType: tuning.timeouts.byType as Partial<Record<ComponentType, number>> }
              : {}),
            ...(tuning.timeouts.byAction
              ? { byAction: tuning.timeouts.byAction as Partial<Record<StepAction, number>> }
              : {}),
          },
        }
      : {}),
  });
}

/**
 * The lifecycle: operations queued with the writes that cause them, a worker that claims and runs them with leases,
 * the step handlers over providers and runtimes, sealed secrets, status, events and the workload environment API.
 */
@Global()
@Module({
  imports: [EnvironmentsModule, MetricsModule],
  controllers: [OperationsController, ApplicationLifecycleController],
  providers: [
    {
      provide: SecretKeyring,
      useFactory: (config: BerthConfig) => new SecretKeyring(loadSecretKey(config.dataDir, config.secretKey)),
      inject: [BERTH_CONFIG],
    },
    { provide: OperationRepository, useFactory: (ds: DataSource) => new OperationRepository(ds), inject: [DataSource] },
    {
      provide: ManagedResourceRepository,
      useFactory: (ds: DataSource) => new ManagedResourceRepository(ds),
      inject: [DataSource],
    },
    {
      provide: LifecycleSteps,
      useFactory: (
        ds: DataSource,
        resources: ManagedResourceRepository,
        deliveries: WorkloadDeliveryRepository,
        providers: ProviderRegistry,
        runtimes: RuntimeRegistry,
        keyring: SecretKeyring,
      ) => new LifecycleSteps(ds, resources, deliveries, providers, runtimes, keyring),
      inject: [
        DataSource,
        ManagedResourceRepository,
        WorkloadDeliveryRepository,
        ProviderRegistry,
        RuntimeRegistry,
        SecretKeyring,
      ],
    },
    {
      provide: OPERATION_RUNNER,
      useFactory: (
        config: BerthConfig,
        ds: DataSource,
        operations: OperationRepository,
        applications: ApplicationRepository,
        environments: EnvironmentRepository,
        resources: ManagedResourceRepository,
        steps: LifecycleSteps,
        keyring: SecretKeyring,
        metrics: LifecycleMetrics,
      ) =>
        new OperationRunner({
          dataSource: ds,
          operations,
          applications,
          environments,
          resources,
          steps,
          keyring,
          executor: executorFor(config),
          leaseMs: config.leaseSeconds * 1000,
          onStepDone: (step, outcome, durationMs) =>
            metrics.stepDuration.observe({ action: step.action, outcome }, durationMs / 1000),
        }),
      inject: [
        BERTH_CONFIG,
        DataSource,
        OperationRepository,
        ApplicationRepository,
        EnvironmentRepository,
        ManagedResourceRepository,
        LifecycleSteps,
        SecretKeyring,
        LifecycleMetrics,
      ],
    },
    LifecycleMetrics,
    RefreshScheduler,
    WorkerService,
    LifecycleService,
  ],
  exports: [LifecycleService, SecretKeyring, OperationRepository, ManagedResourceRepository, WorkerService],
})
export class LifecycleModule {}
