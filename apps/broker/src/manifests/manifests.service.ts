import { withSecretNamespaces } from '../secrets/secret-namespaces';
import { Inject, Injectable } from '@nestjs/common';
import {
  availableSecret,
  isCloudComponent,
  ProviderError,
  resolveBindings,
  type ApplicationSpec,
  type WorkloadComponentSpec,
  type WorkloadDelivery,
} from '@berth/core';
import { renderManifests, runtimeNamespace, type KubeObject } from '@berth/kube';
import { validateApplication } from '@berth/oam';
import { ApplicationRepository } from '@berth/persistence';
import { EnvironmentsService } from '../environments/environments.service';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { SecretStore } from '../secrets/secret-store';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';

/** A workload left out of the manifests because a secret it binds is not published yet (or cannot be resolved). */
export interface PendingWorkload {
  component: string;
  reasons: string[];
}

export interface ApplicationManifests {
  objects: KubeObject[];
  pending: PendingWorkload[];
  /** The YAML stream: a comment header (generation, namespace, left-out workloads), then the objects. */
  yaml: string;
}

/**
 * The GitOps view of an application: the objects the Kubernetes runtime would apply (one Secret per connection
 * secret, and per workload its Service, Deployment or Job), for any environment whatever its runtime. Secret values
 * are decrypted only when asked for; otherwise nothing sealed is opened at all (keys and versions are stored in clear).
 */
@Injectable()
export class ManifestsService {
  constructor(
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(EnvironmentsService) private readonly environments: EnvironmentsService,
    @Inject(ApplicationRepository) private readonly applications: ApplicationRepository,
    @Inject(SecretStore) private readonly secretStore: SecretStore,
  ) {}

  async render(environmentName: string, name: string, includeSecrets: boolean): Promise<ApplicationManifests> {
    const application = await this.lifecycle.requireApplication(environmentName, name);
    const environment = await this.environments.require(environmentName);
    const spec = await this.spec(
      environmentName,
      name,
      application.currentRevisionId,
      Object.keys(environment.profiles ?? {}),
    );
    const secrets = withSecretNamespaces(
      await this.secretStore.materials(environmentName, name, { withValues: includeSecrets }),
      spec,
    );
    const available = secrets.map(availableSecret);

    const workloads: WorkloadDelivery[] = [];
    const pending: PendingWorkload[] = [];
    for (const component of spec.components) {
      if (isCloudComponent(component)) continue;
      const resolution = resolveBindings(component as WorkloadComponentSpec, spec, available);
      if (!resolution.ready) {
        pending.push({ component: component.name, reasons: resolution.pending.map((p) => `${p.env}: ${p.message}`) });
        continue;
      }
      workloads.push({
        component: component as WorkloadComponentSpec,
        env: resolution.env,
        bindingsChecksum: resolution.bindingsChecksum,
      });
    }
    const namespace = runtimeNamespace(environment.runtime);
    let rendered;
    try {
      rendered = renderManifests(
        { environment: environmentName, application: name, workloads, secrets, ...(namespace ? { namespace } : {}) },
        { includeSecrets },
      );
    } catch (error) {
      if (error instanceof ProviderError)
        throw new BrokerError(BrokerErrorCode.Conflict, `cannot render ${name}: ${error.message}`);
      throw error;
    }
    const header = [
      `# Berth manifests of application ${name} in environment ${environmentName}, generation ${application.generation}`,
      namespace ? `# namespace: ${namespace}` : `# runtime ${environment.runtime.kind}: no namespace set`,
      includeSecrets
        ? '# Secret values included: handle this file as a secret'
        : '# Secret values redacted (?includeSecrets=true to include them)',
      ...pending.map((p) => `# workload ${p.component} left out: its secrets are not ready (${p.reasons.join('; ')})`),
    ];
    return { objects: rendered.objects, pending, yaml: `${header.join('\n')}\n${rendered.yaml}` };
  }

  private async spec(
    environment: string,
    name: string,
    revisionId: string | null,
    profileNames: string[],
  ): Promise<ApplicationSpec> {
    const revision = revisionId ? await this.applications.findRevision(revisionId) : null;
    if (!revision) throw new BrokerError(BrokerErrorCode.Conflict, `application ${name} has no current revision`);
    const { document } = this.secretStore.restoredRevision(environment, name, revision);
    const validated = validateApplication(document, { profileNames });
    if (!validated.ok) {
      throw new BrokerError(
        BrokerErrorCode.Conflict,
        `generation ${revision.generation} is no longer valid here: ${validated.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
    }
    return validated.application;
  }
}
