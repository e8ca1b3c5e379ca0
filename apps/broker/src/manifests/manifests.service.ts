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
import { renderManifests, runtimeNamespace, toYamlStream, type KubeObject } from '@berth/kube';
import { validateApplication } from '@berth/oam';
import { ApplicationRepository } from '@berth/persistence';
import { EnvironmentsService } from '../environments/environments.service';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { SecretStore } from '../secrets/secret-store';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import {
  connectionSecretKeyPath,
  ESO_TOKEN_KEY,
  externalSecretsNames,
  renderExternalSecrets,
} from '../external-secrets/external-secret.renderer';

/**
 * How the connection secrets appear in the manifests: `external` (default) as External Secrets Operator objects that
 * fetch the values from Berth, `omit` not at all (the cluster gets them some other way), `values` as Secrets with
 * their values. Never as Secrets with placeholder values, which would overwrite the real ones once applied.
 */
export const SECRET_RENDERINGS = ['external', 'omit', 'values'] as const;
export type SecretRendering = (typeof SECRET_RENDERINGS)[number];

export interface RenderManifestsOptions {
  secrets: SecretRendering;
  /** Berth's base URL as the cluster reaches it (the ESO SecretStore calls it). */
  berthUrl: string;
}

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

  async render(environmentName: string, name: string, options: RenderManifestsOptions): Promise<ApplicationManifests> {
    const includeSecrets = options.secrets === 'values';
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
        {
          environment: environmentName,
          application: name,
          workloads,
          secrets,
          metadata: { labels: spec.labels, annotations: spec.annotations },
          ...(namespace ? { namespace } : {}),
        },
        { includeSecrets },
      );
    } catch (error) {
      if (error instanceof ProviderError)
        throw new BrokerError(BrokerErrorCode.Conflict, `cannot render ${name}: ${error.message}`);
      throw error;
    }
    const connectionSecrets = new Set(secrets.map((secret) => secret.name));
    const isConnectionSecret = (object: KubeObject, index: number) =>
      index < secrets.length && object.kind === 'Secret' && connectionSecrets.has(object.metadata.name);
    let objects = rendered.objects;
    if (!includeSecrets) {
      const others = objects.filter((object, index) => !isConnectionSecret(object, index));
      objects =
        options.secrets === 'external' && secrets.length > 0
          ? [
              ...renderExternalSecrets({
                environment: environmentName,
                application: name,
                berthUrl: options.berthUrl,
                secrets,
                ...(namespace ? { namespace } : {}),
              }),
              ...others,
            ]
          : others;
    }
    const header = [
      `# Berth manifests of application ${name} in environment ${environmentName}, generation ${application.generation}`,
      namespace ? `# namespace: ${namespace}` : `# runtime ${environment.runtime.kind}: no namespace set`,
      ...secretsHeader(options, environmentName, name, secrets.length),
      ...pending.map((p) => `# workload ${p.component} left out: its secrets are not ready (${p.reasons.join('; ')})`),
    ];
    return { objects, pending, yaml: `${header.join('\n')}\n${toYamlStream(objects)}` };
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

/** What the header says of the connection secrets: where their values come from, and what to set up once. */
function secretsHeader(
  options: RenderManifestsOptions,
  environment: string,
  application: string,
  count: number,
): string[] {
  if (options.secrets === 'values') return ['# Secret values included: handle this file as a secret'];
  if (options.secrets === 'omit')
    return [
      '# Connection secrets omitted (?secrets=omit): the workloads need them in the cluster under the same names',
    ];
  if (count === 0) return ['# No connection secret published yet'];
  const names = externalSecretsNames(application);
  return [
    `# Connection secrets as External Secrets Operator objects: SecretStore ${names.store} reads them from ${options.berthUrl}`,
    `#   (${connectionSecretKeyPath(environment, application, '<secret>', '<key>')}). Once, before applying:`,
    `#   1. a token for it: POST /v1/tokens {"name": "eso-${environment}-${application}", "roles": [{"role": "secret-reader", "scope": "application:${environment}/${application}"}]}`,
    `#   2. kubectl create secret generic ${names.tokenSecret} --from-literal=${ESO_TOKEN_KEY}=<that token> && kubectl label secret ${names.tokenSecret} external-secrets.io/type=webhook`,
  ];
}
