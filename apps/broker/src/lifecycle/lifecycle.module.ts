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
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { EnvironmentsModule } from '../environments/environments.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SecretStore } from '../secrets/secret-store';
import { ApplicationLifecycleController } from './application-lifecycle.controller';
import { LifecycleMetrics } from './lifecycle.metrics';
import { LifecycleService } from './lifecycle.service';
import { OperationRunner } from './operation.runner';
import { OperationsController } from './operations.controller';
import { ResourceRequests } from './steps/resource-requests';
import { stepHandlersOver, type StepHandlersOver } from './steps/step-handlers';
import { RefreshScheduler } from './refresh.scheduler';
import { OPERATION_RUNNER, WorkerService } from './worker.service';

/** The DI token of the step handlers keyed by action (made per operation over its view of its resources). */
export const STEP_HANDLERS = Symbol('STEP_HANDLERS');

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
      provide: ResourceRequests,
      useFactory: (providers: ProviderRegistry, resources: ManagedResourceRepository, secrets: SecretStore) =>
        new ResourceRequests(providers, resources, secrets),
      inject: [ProviderRegistry, ManagedResourceRepository, SecretStore],
    },
    {
      provide: STEP_HANDLERS,
      useFactory: (
        applications: ApplicationRepository,
        resources: ManagedResourceRepository,
        deliveries: WorkloadDeliveryRepository,
        runtimes: RuntimeRegistry,
        secrets: SecretStore,
        requests: ResourceRequests,
      ) => stepHandlersOver({ applications, resources, deliveries, runtimes, secrets, requests }),
      inject: [
        ApplicationRepository,
        ManagedResourceRepository,
        WorkloadDeliveryRepository,
        RuntimeRegistry,
        SecretStore,
        ResourceRequests,
      ],
    },
    {
      provide: OPERATION_RUNNER,
      useFactory: (
        config: BerthConfig,
        operations: OperationRepository,
        applications: ApplicationRepository,
        environments: EnvironmentRepository,
        resources: ManagedResourceRepository,
        steps: StepHandlersOver,
        secrets: SecretStore,
        metrics: LifecycleMetrics,
      ) =>
        new OperationRunner({
          operations,
          applications,
          environments,
          resources,
          steps,
          secrets,
          executor: executorFor(config),
          leaseMs: config.leaseSeconds * 1000,
          journalWriteDelayMs: config.progressWriteDelayMs,
          onStepDone: (step, outcome, durationMs) =>
            metrics.stepDuration.observe({ action: step.action, outcome }, durationMs / 1000),
        }),
      inject: [
        BERTH_CONFIG,
        OperationRepository,
        ApplicationRepository,
        EnvironmentRepository,
        ManagedResourceRepository,
        STEP_HANDLERS,
        SecretStore,
        LifecycleMetrics,
      ],
    },
    LifecycleMetrics,
    RefreshScheduler,
    WorkerService,
    LifecycleService,
  ],
  exports: [LifecycleService, ResourceRequests, WorkerService],
})
export class LifecycleModule {}
