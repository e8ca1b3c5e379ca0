import { Inject, Injectable } from '@nestjs/common';
import type { Condition, JsonObject } from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import {
  ApplicationEntity,
  ApplicationRepository,
  type ApplicationRevisionEntity,
  ManagedResourceRepository,
  OperationRepository,
  WorkloadDeliveryRepository,
  type OperationEntity,
  type OperationOptions,
} from '@berth/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { EnvironmentsService } from '../environments/environments.service';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { LifecycleError, LifecycleErrorCode } from '../problems/lifecycle.error';
import { SecretStore } from '../secrets/secret-store';
import { requestActor } from '../access/request-actor';
import { WorkerService } from './worker.service';

export interface ComponentStatusView {
  name: string;
  type: string;
  kind: 'cloud' | 'workload';
  phase: string;
  provider?: string;
  externalIds?: Record<string, string>;
  outputs?: Record<string, string>;
  secret?: { name: string; version: number; keys: string[] };
  conditions: Condition[];
  lastError: string | null;
  retained?: boolean;
}

export interface LifecycleStatus {
  components: ComponentStatusView[];
  lastOperation: { id: string; kind: string; state: string } | null;
}

export interface EnvVariable {
  name: string;
  /** `declared`: a literal of the workload's own `env`; `binding`: a key of a connection secret. */
  source: 'declared' | 'binding';
  /** Bindings only: the connection secret and key. */
  secret?: string;
  key?: string;
  sensitive: boolean;
  value: string | null;
}

/** Queues operations (atomically with the writes that cause them) and answers what the lifecycle knows. */
@Injectable()
export class LifecycleService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OperationRepository) private readonly operations: OperationRepository,
    @Inject(ApplicationRepository) private readonly applications: ApplicationRepository,
    @Inject(ManagedResourceRepository) private readonly resources: ManagedResourceRepository,
    @Inject(WorkloadDeliveryRepository) private readonly deliveries: WorkloadDeliveryRepository,
    @Inject(EnvironmentsService) private readonly environments: EnvironmentsService,
    @Inject(SecretStore) private readonly secretStore: SecretStore,
    @Inject(WorkerService) private readonly worker: WorkerService,
  ) {}

  /** Inside the PUT's transaction: queue the apply of the revision just written (superseding queued ones). */
  queueApply(
    manager: EntityManager,
    application: ApplicationEntity,
    revision: ApplicationRevisionEntity,
  ): Promise<OperationEntity> {
    return this.operations.enqueue(manager, {
      kind: 'apply',
      applicationId: application.id,
      environmentName: application.environmentName,
      applicationName: application.name,
      generation: revision.generation,
      revisionId: revision.id,
      actor: requestActor(),
    });
  }

  /** After the transaction committed: let this process's worker look at once. */
  queued(): void {
    this.worker.nudge();
  }

  async requireApplication(environment: string, name: string): Promise<ApplicationEntity> {
    await this.environments.require(environment);
    const application = await this.applications.find(environment, name);
    if (!application)
      throw BrokerError.notFound(`application ${JSON.stringify(name.slice(0, 100))} in environment ${environment}`);
    return application;
  }

  /**
   * Marks the application for deletion and queues the delete (superseding queued applies). Asking again while a
   * delete is queued or running answers that one; after a failed delete it is resumed.
   */
  async requestDeletion(
    application: ApplicationEntity,
    options: OperationOptions,
  ): Promise<{ application: ApplicationEntity; operation: OperationEntity }> {
    const latest = await this.operations.latestForApplication(application.environmentName, application.name);
    if (latest?.kind === 'delete' && (latest.state === 'Queued' || latest.state === 'Running'))
      return { application, operation: latest };
    if (latest?.kind === 'delete' && latest.state === 'Failed' && !options.orphan) {
      return { application, operation: await this.retryOperation(application, latest) };
    }
    const now = new Date();
    const operation = await this.dataSource.transaction(async (manager) => {
      await this.applications.markDeleting(manager, application, now);
      return this.operations.enqueue(manager, {
        kind: 'delete',
        applicationId: application.id,
        environmentName: application.environmentName,
        applicationName: application.name,
        generation: application.generation,
        revisionId: application.currentRevisionId,
        options: options.orphan ? { orphan: true } : {},
        actor: requestActor(),
      });
    });
    this.queued();
    return {
      application: {
        ...application,
        deletionRequestedAt: application.deletionRequestedAt ?? now,
        phase: 'Deleting',
        updatedAt: now,
      },
      operation,
    };
  }

  /** Resumes the application's failed operation (its completed steps are not run again). */
  async retry(application: ApplicationEntity): Promise<OperationEntity> {
    const latest = (await this.operations.listForApplication(application.environmentName, application.name, 20)).find(
      (op) => op.state !== 'Superseded',
    );
    if (!latest || latest.state !== 'Failed') {
      throw new LifecycleError(
        LifecycleErrorCode.Conflict,
        latest
          ? `the last operation (${latest.kind} ${latest.id}) is ${latest.state}: nothing to retry`
          : 'no operation to retry',
      );
    }
    return this.retryOperation(application, latest);
  }

  private async retryOperation(application: ApplicationEntity, operation: OperationEntity): Promise<OperationEntity> {
    if (!(await this.operations.requeue(operation, new Date(), requestActor()))) {
      throw new LifecycleError(LifecycleErrorCode.Conflict, `operation ${operation.id} is no longer Failed`);
    }
    await this.operations.appendEvent(operation.id, {
      level: 'info',
      message: `${operation.kind} queued again (retry)`,
    });
    if (operation.kind === 'delete') {
      await this.applications.setPhase(application.id, 'Deleting');
    }
    this.queued();
    return (await this.operations.find(operation.id))!;
  }

  async refresh(application: ApplicationEntity): Promise<OperationEntity> {
    if (application.deletionRequestedAt)
      throw new BrokerError(BrokerErrorCode.Conflict, `application ${application.name} is being deleted`);
    const operation = await this.dataSource.transaction((manager) =>
      this.operations.enqueue(manager, {
        kind: 'refresh',
        applicationId: application.id,
        environmentName: application.environmentName,
        applicationName: application.name,
        generation: application.generation,
        revisionId: application.currentRevisionId,
        actor: requestActor(),
      }),
    );
    this.queued();
    return operation;
  }

  async operation(id: string): Promise<OperationEntity> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.operations.find(id) : null;
    if (!row)
      throw new LifecycleError(LifecycleErrorCode.NotFound, `operation ${JSON.stringify(id.slice(0, 100))} not found`);
    return row;
  }

  listOperations(
    application: ApplicationEntity,
    limit = 100,
    before?: { createdAt: Date; id: string },
  ): Promise<OperationEntity[]> {
    return this.operations.listForApplication(application.environmentName, application.name, limit, before);
  }

  events(id: string, after: number, limit?: number) {
    return this.operations.eventsAfter(id, after, limit);
  }

  /** Per-component status (spec order, then recorded components no longer in the spec) and the last operation. */
  async status(application: ApplicationEntity, document: JsonObject): Promise<LifecycleStatus> {
    const [rows, last] = await Promise.all([
      this.resources.list(application.environmentName, application.name),
      this.operations.latestForApplication(application.environmentName, application.name),
    ]);
    const byName = new Map(rows.map((r) => [r.component, r]));
    const specComponents = (
      (document.spec as { components?: Array<{ name?: unknown; type?: unknown }> } | undefined)?.components ?? []
    )
      .filter((c) => typeof c.name === 'string' && typeof c.type === 'string')
      .map((c) => ({ name: c.name as string, type: c.type as string }));
    const names = new Set(specComponents.map((c) => c.name));
    const entries = [
      ...specComponents,
      ...rows.filter((r) => !names.has(r.component)).map((r) => ({ name: r.component, type: r.type })),
    ];
    const secretsRead: Array<Promise<void>> = [];
    const components: ComponentStatusView[] = [];
    for (const entry of entries) {
      const row = byName.get(entry.name);
      const kind = BUILTIN_TYPES.isCloud(entry.type) ? 'cloud' : 'workload';
      const view: ComponentStatusView = {
        name: entry.name,
        type: row && !names.has(entry.name) ? row.type : entry.type,
        kind,
        phase: row?.phase ?? 'Pending',
        conditions: row?.conditions ?? [],
        lastError: row?.lastError ?? null,
      };
      if (kind === 'cloud' && row) {
        view.provider = row.profileKind ?? undefined;
        view.externalIds = row.externalIds;
        view.outputs = row.outputs;
        if (row.retained) view.retained = true;
        secretsRead.push(
          this.resources.latestSecret(row.id).then((secret) => {
            if (secret)
              view.secret = { name: secret.name, version: secret.version, keys: secret.keys.map((k) => k.name) };
          }),
        );
      }
      components.push(view);
    }
    await Promise.all(secretsRead);
    return { components, lastOperation: last ? { id: last.id, kind: last.kind, state: last.state } : null };
  }

  /**
   * The environment the local runtime delivered to a workload, in the pod's order (declared literals, then bindings),
   * bound values read from the delivered secret versions.
   */
  async workloadEnv(application: ApplicationEntity, component: string, reveal: boolean) {
    const delivery = await this.deliveries.find(application.environmentName, application.name, component);
    if (!delivery) {
      throw new LifecycleError(
        LifecycleErrorCode.NotFound,
        `component ${JSON.stringify(component.slice(0, 100))} of ${application.name} has no delivered environment (not a workload, not delivered yet, or the environment's runtime is not local)`,
      );
    }
    const opened = new Map<string, Record<string, string> | null>();
    const variables: EnvVariable[] = [];
    for (const variable of delivery.variables) {
      if (variable.source === 'declared') {
        variables.push({ name: variable.name, source: 'declared', sensitive: false, value: variable.value });
        continue;
      }
      const cacheKey = `${variable.component}@${variable.version}`;
      if (!opened.has(cacheKey)) {
        const row = await this.resources.find({
          environmentName: application.environmentName,
          applicationName: application.name,
          component: variable.component,
        });
        const secret = row ? await this.resources.findSecret(row.id, variable.version) : null;
        let data: Record<string, string> | null = null;
        if (secret) {
          try {
            data = this.secretStore.open(secret);
          } catch (error) {
            throw new LifecycleError(
              LifecycleErrorCode.SecretUnavailable,
              `cannot open connection secret ${secret.name}: ${(error as Error).message}`,
            );
          }
        }
        opened.set(cacheKey, data);
      }
      const data = opened.get(cacheKey);
      const value = data?.[variable.key] ?? null;
      variables.push({
        name: variable.name,
        source: 'binding',
        secret: variable.secret,
        key: variable.key,
        sensitive: variable.sensitive,
        value: variable.sensitive && !reveal ? null : value,
      });
    }
    return { component, deliveredAt: delivery.deliveredAt.toISOString(), checksum: delivery.checksum, variables };
  }
}

/** A dotenv file: one NAME="value" line per variable; sensitive values left out as comments unless revealed. */
export function toDotenv(variables: EnvVariable[]): string {
  const quote = (value: string) =>
    `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
  return variables
    .map((v) =>
      v.value === null
        ? `# ${v.name}: ${v.sensitive ? 'sensitive, omitted (add ?reveal=true)' : 'no value'} (${v.secret}/${v.key})`
        : `${v.name}=${quote(v.value)}`,
    )
    .join('\n')
    .concat(variables.length ? '\n' : '');
}
