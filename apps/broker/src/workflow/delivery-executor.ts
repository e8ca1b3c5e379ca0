import {
  WorkflowStepExecutor,
  type ApplyComponentRequest,
  type DeployRequest,
  type JsonObject,
  type NotificationRequest,
} from '@berth/core';
import {
  type ApplicationEntity,
  ApplicationRepository,
  type OperationEntity,
  OperationRepository,
  type StoredWorkflow,
} from '@berth/persistence';
import type { ApplicationsService } from '../applications/applications.service';
import type { LifecycleService } from '../lifecycle/lifecycle.service';
import type { WorkerService } from '../lifecycle/worker.service';
import type { SecretStore } from '../secrets/secret-store';
import type { WebhookPoster } from './webhook-poster';

/** What a step executor of one run needs from the broker. */
export interface DeliveryExecutorDeps {
  service: ApplicationsService;
  applications: ApplicationRepository;
  operations: OperationRepository;
  lifecycle: LifecycleService;
  /** Wakes a waiting step as soon as an operation of this process ends. */
  worker: WorkerService;
  secrets: SecretStore;
  webhooks: WebhookPoster;
}

/**
 * Carries out the steps of one run: a deploy writes the delivery of each target environment, an apply-component
 * writes its component into one environment's delivery — each then waits for the apply operation it queued — and a
 * notification or webhook posts JSON to its URL (read from the step or from a connection secret, never shown).
 */
export class DeliveryExecutor extends WorkflowStepExecutor {
  constructor(
    private readonly home: ApplicationEntity,
    private readonly stored: StoredWorkflow,
    private readonly deps: DeliveryExecutorDeps,
  ) {
    super();
  }

  async deploy(request: DeployRequest): Promise<void> {
    const sealed = this.stored.sealed[`${request.step}/${request.environment}`];
    const written = await this.deps.service.writeWorkflowDelivery(this.home, request, sealed);
    await this.applied(request.environment, written.operation, request.signal);
  }

  async applyComponent(request: ApplyComponentRequest): Promise<void> {
    const sealed = this.stored.sealed[`${request.step}/${request.environment}`];
    const written = await this.deps.service.writeWorkflowComponent(this.home, request, sealed);
    await this.applied(request.environment, written.operation, request.signal);
  }

  async notify(request: NotificationRequest): Promise<void> {
    const url = 'value' in request.url ? request.url.value : await this.secretUrl(request.url.secretRef);
    await this.deps.webhooks.post(url, request.message ?? this.defaultMessage(request), request.signal);
  }

  /**
   * A notification's URL from a connection secret of the home environment (Berth's Secrets: the first application
   * there, by name, holding a connection secret of that name). The error names the secret and key, never a value.
   */
  private async secretUrl(ref: { name: string; key: string }): Promise<string> {
    const environment = this.home.environmentName;
    for (let after: string | undefined; ;) {
      const page = await this.deps.applications.list(environment, {
        limit: 100,
        offset: 0,
        ...(after ? { after } : {}),
      });
      for (const application of page.items) {
        const [material] = await this.deps.secrets.materials(environment, application.name, { name: ref.name });
        if (!material) continue;
        const value = material.data[ref.key];
        if (value === undefined) {
          throw new Error(`connection secret ${ref.name} in environment ${environment} has no key ${ref.key}`);
        }
        return value;
      }
      if (!page.more) break;
      after = page.items.at(-1)!.name;
    }
    throw new Error(`no connection secret ${ref.name} in environment ${environment} (secretRef of the step's url)`);
  }

  /** KubeVela's channels want a text; a webhook without `data` gets what the step is about. */
  private defaultMessage(request: NotificationRequest): JsonObject {
    const text = `application ${this.home.name} (environment ${this.home.environmentName}): workflow step ${request.step}`;
    switch (request.channel) {
      case 'slack':
        return { text };
      case 'dingding':
        return { msgtype: 'text', text: { content: text } };
      case 'lark':
        return { msg_type: 'text', content: { text } };
      case 'webhook':
        return {
          application: this.home.name,
          environment: this.home.environmentName,
          revision: request.revision,
          step: request.step,
        };
    }
  }

  /**
   * Waits for the apply a step's write queued; unchanged (none queued): for the delivery's latest apply — a retried
   * step whose delivery is unchanged has its failed apply run again.
   */
  private async applied(environment: string, queued: OperationEntity | undefined, signal: AbortSignal): Promise<void> {
    let id = queued?.id;
    if (!id) {
      const latest = await this.deps.operations.latestForApplication(environment, this.home.name);
      if (latest?.state === 'Succeeded') return;
      if (latest?.state === 'Failed') {
        const delivery = await this.deps.applications.find(environment, this.home.name);
        id = delivery ? (await this.deps.lifecycle.retry(delivery)).id : undefined;
      } else id = latest?.id;
    }
    if (!id) throw new Error(`environment ${environment}: no apply operation was queued`);
    await this.waitFor(environment, id, signal);
  }

  private async waitFor(environment: string, id: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const operation = await this.deps.operations.find(id);
      if (operation?.state === 'Succeeded') return;
      if (operation?.state === 'Failed') {
        throw new Error(`the apply in environment ${environment} failed: ${operation.error ?? 'see its operation'}`);
      }
      if (!operation || operation.state === 'Superseded') {
        const latest = await this.deps.operations.latestForApplication(environment, this.home.name);
        if (!latest || latest.id === id) throw new Error(`the apply in environment ${environment} was superseded`);
        id = latest.id;
        continue;
      }
      await this.deps.worker.nextEnd(250);
    }
  }
}
