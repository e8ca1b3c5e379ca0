import {
  WorkloadRuntime,
  type DeliveryRequest,
  type OperationLog,
  type RemovalRequest,
  type WorkloadStatus,
} from '@berth/core';
import type { DeliveredVariable, WorkloadDeliveryRepository } from '@berth/persistence';

export const LOCAL_RUNTIME_KIND = 'local';

/**
 * The `local` runtime: no cluster. It records what each workload would receive — each variable's secret, key,
 * version and sensitivity, never a value — so `GET …/components/{c}/env` (and `berth env` / `berth run`) can hand
 * the bound variables to a local process, opening the delivered secret versions at that moment.
 */
export class LocalWorkloadRuntime extends WorkloadRuntime {
  readonly kind = LOCAL_RUNTIME_KIND;

  constructor(private readonly deliveries: WorkloadDeliveryRepository) {
    super();
  }

  async deliver(request: DeliveryRequest, log: OperationLog): Promise<WorkloadStatus[]> {
    const secrets = new Map(request.secrets.map((s) => [s.name, s]));
    const statuses: WorkloadStatus[] = [];
    for (const workload of request.workloads) {
      const variables: DeliveredVariable[] = workload.env.map((env) => {
        const secret = secrets.get(env.secretName);
        return {
          name: env.name,
          secret: env.secretName,
          component: secret?.component ?? '',
          version: secret?.version ?? 0,
          key: env.key,
          sensitive: env.sensitive,
        };
      });
      await this.deliveries.record({
        environmentName: request.environment,
        applicationName: request.application,
        component: workload.component.name,
        type: workload.component.type,
        variables,
        checksum: workload.bindingsChecksum,
      });
      log.log('info', `local runtime: ${workload.component.name} receives ${variables.length} bound variable(s)`, {
        component: workload.component.name,
        variables: variables.map((v) => v.name),
      });
      statuses.push({ component: workload.component.name, ready: true, message: 'delivered (local runtime)' });
    }
    if (request.prune !== false) {
      const keep = new Set(request.workloads.map((w) => w.component.name));
      const existing = await this.deliveries.list(request.environment, request.application);
      await this.deliveries.remove(
        request.environment,
        request.application,
        existing.filter((row) => !keep.has(row.component)).map((row) => row.component),
      );
    }
    return statuses;
  }

  async remove(request: RemovalRequest, log: OperationLog): Promise<void> {
    await this.deliveries.remove(request.environment, request.application, request.components);
    log.log('info', `local runtime: removed ${request.components ? request.components.join(', ') : 'every workload'}`);
  }

  async status(request: Omit<RemovalRequest, 'includeSecrets'>): Promise<WorkloadStatus[]> {
    const rows = await this.deliveries.list(request.environment, request.application);
    return rows
      .filter((row) => !request.components || request.components.includes(row.component))
      .map((row) => ({ component: row.component, ready: true, message: `delivered ${row.deliveredAt.toISOString()}` }));
  }
}
