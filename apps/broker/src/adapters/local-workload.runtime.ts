import {
  ProviderError,
  ProviderErrorCode,
  WorkloadRuntime,
  type DeliveryRequest,
  type OperationLog,
  type RemovalRequest,
  type WorkloadDelivery,
  type WorkloadStatus,
} from '@berth/core';
import { declaredContainerEnv } from '@berth/kube';
import type { DeliveredVariable, WorkloadDeliveryRepository } from '@berth/persistence';
import { notAppliedLocally } from './local-runtime-limits';

export const LOCAL_RUNTIME_KIND = 'local';

/** Why the local runtime cannot bind a Secret the application does not create (PUT says so at the binding). */
export const LOCAL_EXISTING_SECRET_REFUSAL =
  'the local runtime has no Secrets of its own, only the connection secrets Berth creates; bind a cloud component ' +
  'or its connection secret, or deliver to a kubernetes environment (there it is a secretKeyRef to that Secret)';

/**
 * The `local` runtime: no cluster. It records what each workload would receive in a pod — its declared `env` literals
 * and, for each bound variable, the secret, key, version and sensitivity (never a secret value) — so
 * `GET …/components/{c}/env` (and `berth env` / `berth run`) can hand that environment to a local process, opening the
 * delivered secret versions at that moment.
 *
 * Order and precedence are the pod's (the Kubernetes runtime renders the same list): declared variables first, then the
 * bound ones; a bound variable replaces a declared one of the same name (in a pod the later entry wins), and of two
 * declared entries with one name the later wins. The declared variables are the main container's once the traits ran
 * (the `env` trait adds and removes some), as the Kubernetes renderer builds them. What the component asks for and a
 * local process cannot have — a declared `valueFrom` (a Kubernetes Secret or ConfigMap the local runtime does not
 * have), ports exposure, probes, volumes, most traits… — is listed by name in its status (`notApplied`).
 */
export class LocalWorkloadRuntime extends WorkloadRuntime {
  readonly kind = LOCAL_RUNTIME_KIND;
  /** It has no Secrets of its own to read one the application does not create. */
  override readonly existingSecrets = { refused: LOCAL_EXISTING_SECRET_REFUSAL };

  constructor(private readonly deliveries: WorkloadDeliveryRepository) {
    super();
  }

  async deliver(request: DeliveryRequest, log: OperationLog): Promise<WorkloadStatus[]> {
    const secrets = new Map(request.secrets.map((s) => [s.name, s]));
    const statuses: WorkloadStatus[] = [];
    // PUT refuses these on a local environment; a delivery carrying one is refused by name, never half-recorded.
    for (const workload of request.workloads) {
      const external = workload.env.find((env) => env.external);
      if (external)
        throw new ProviderError(
          ProviderErrorCode.InvalidRequest,
          `workload "${workload.component.name}": env ${external.name} binds Secret "${external.secretName}", which the application does not create; ${LOCAL_EXISTING_SECRET_REFUSAL}`,
        );
    }
    // Every workload is checked before anything is recorded: a refusal leaves the previous deliveries as they were.
    const planned = request.workloads.map((workload) => ({
      workload,
      declared: declaredVariables(workload),
      bound: workload.env.map((env): DeliveredVariable => {
        const secret = secrets.get(env.secretName);
        return {
          source: 'binding',
          name: env.name,
          secret: env.secretName,
          component: secret?.component ?? '',
          version: secret?.version ?? 0,
          key: env.key,
          sensitive: env.sensitive,
        };
      }),
    }));
    for (const { workload, declared, bound } of planned) {
      const boundNames = new Set(bound.map((v) => v.name));
      const variables = [...declared.filter((v) => !boundNames.has(v.name)), ...bound];
      await this.deliveries.record({
        environmentName: request.environment,
        applicationName: request.application,
        component: workload.component.name,
        type: workload.component.type,
        variables,
        checksum: workload.bindingsChecksum,
      });
      log.log(
        'info',
        `local runtime: ${workload.component.name} receives ${variables.length} variable(s), ${bound.length} bound`,
        { component: workload.component.name, variables: variables.map((v) => v.name) },
      );
      const notApplied = notAppliedLocally(workload.component);
      statuses.push({
        component: workload.component.name,
        ready: true,
        message: 'delivered (local runtime)',
        ...(notApplied.length > 0 ? { notApplied } : {}),
      });
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

/**
 * The workload's declared literals, last one per name. A `valueFrom` has nothing to resolve against here: it is left
 * out, and the component's status lists it as not applied (see notAppliedLocally).
 */
function declaredVariables(workload: WorkloadDelivery): DeliveredVariable[] {
  const byName = new Map<string, DeliveredVariable>();
  for (const entry of declaredContainerEnv(workload.component) ?? []) {
    if ('valueFrom' in entry) continue;
    byName.delete(entry.name);
    byName.set(entry.name, { source: 'declared', name: entry.name, value: entry.value });
  }
  return [...byName.values()];
}
