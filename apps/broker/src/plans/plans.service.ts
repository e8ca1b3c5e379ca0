import { Inject, Injectable } from '@nestjs/common';
import {
  isCloudComponent,
  planOperation,
  ProviderError,
  ProviderErrorCode,
  SecretScrubber,
  type ApplicationSpec,
  type JsonObject,
  type PlannedStep,
  type ProviderProfile,
  type ResourceProvider,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { validateApplication } from '@berth/oam';
import {
  ApplicationRepository,
  recordedResource,
  ManagedResourceRepository,
  type EnvironmentEntity,
  type ManagedResourceEntity,
} from '@berth/persistence';
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';
import { EnvironmentsService } from '../environments/environments.service';
import { secretsOf, type ComponentSecrets } from '../secrets/revision-secrets';
import { ResourceRequests } from '../lifecycle/steps/resource-requests';
import { SecretStore } from '../secrets/secret-store';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import {
  ENVIRONMENT_DEFAULT,
  ENVIRONMENT_RUNTIME,
  planComponents,
  summarize,
  type ComponentServing,
  type PlanAction,
  type PlanComponent,
  type PlanPreview,
} from './plan-components';

/** How long one component's `preview` may take before the plan reports it as `timeout`. */
export const PREVIEW_TIMEOUT_MS = 20_000;

export interface ApplicationPlan {
  environment: string;
  application: string;
  /** The generation planned (absent for a dry-run plan of a submitted document). */
  generation?: number;
  dryRun?: true;
  kind: 'apply';
  summary: Partial<Record<PlanAction, number>>;
  components: PlanComponent[];
  /** The steps an apply would run now, in dependency order. */
  steps: PlannedStep[];
}

/**
 * Answers "what would applying this do here": per component, which adapter serves it and why, the planned action
 * (the same planOperation the worker runs) and, where the adapter is available, its own preview of the changes.
 * Nothing is written; a provider's error or unavailability is reported on its component, never as a failed request.
 */
@Injectable()
export class PlansService {
  constructor(
    @Inject(EnvironmentsService) private readonly environments: EnvironmentsService,
    @Inject(ApplicationRepository) private readonly applications: ApplicationRepository,
    @Inject(ManagedResourceRepository) private readonly resources: ManagedResourceRepository,
    @Inject(ProviderRegistry) private readonly providers: ProviderRegistry,
    @Inject(RuntimeRegistry) private readonly runtimes: RuntimeRegistry,
    @Inject(SecretStore) private readonly secretStore: SecretStore,
    @Inject(ResourceRequests) private readonly requests: ResourceRequests,
  ) {}

  /** The plan of the application's current revision. */
  async planStored(environmentName: string, name: string): Promise<ApplicationPlan> {
    const environment = await this.environments.require(environmentName);
    const application = await this.applications.find(environmentName, name);
    const revision = application?.currentRevisionId
      ? await this.applications.findRevision(application.currentRevisionId)
      : null;
    if (!application || !revision) {
      throw BrokerError.notFound(`application ${JSON.stringify(name.slice(0, 100))} in environment ${environmentName}`);
    }
    const { document, secrets } = this.secretStore.restoredRevision(environmentName, name, revision);
    const plan = await this.plan(environment, name, document, secrets);
    return { ...plan, generation: revision.generation };
  }

  /** The plan of a submitted, already validated and normalized document (PUT …?dryRun=true&plan=true). */
  async planDocument(environmentName: string, name: string, document: JsonObject): Promise<ApplicationPlan> {
    const environment = await this.environments.require(environmentName);
    return { ...(await this.plan(environment, name, document, secretsOf(document))), dryRun: true };
  }

  private async plan(
    environment: EnvironmentEntity,
    name: string,
    document: JsonObject,
    secrets: ComponentSecrets,
  ): Promise<ApplicationPlan> {
    const validated = validateApplication(document, { profileNames: Object.keys(environment.profiles ?? {}) });
    if (!validated.ok) {
      // A stored revision the environment no longer accepts (e.g. a named profile was removed).
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        `the application is not valid in environment ${environment.name}`,
        validated.problems,
      );
    }
    const application = validated.application;
    const rows = await this.resources.list(environment.name, name);
    const recorded = rows.map(recordedResource);

    // The planner compares properties hashes; a secret enters them only as a keyed digest, as in the worker.
    const hashed = this.secretStore.withDigestedSecrets(application, secrets);
    const operationPlan = planOperation({
      kind: 'apply',
      application: hashed,
      resources: recorded,
      types: BUILTIN_TYPES,
    });

    // Requests carry what the worker's would: the digested properties (a secret travels as a secret property).
    const byName = new Map(hashed.components.map((c) => [c.name, c]));
    const rowOf = new Map(rows.map((r) => [r.component, r]));
    const availability = new Map<ProviderProfile, Promise<{ available: boolean; reason?: string }>>();
    const availabilityOf = (provider: ResourceProvider, profile: ProviderProfile) => {
      if (!availability.has(profile)) {
        availability.set(
          profile,
          provider.availability(profile).catch((error: unknown) => ({
            available: false,
            reason: error instanceof Error ? error.message : String(error),
          })),
        );
      }
      return availability.get(profile)!;
    };

    // Resolve every component's adapter first (async), then build the entries.
    const serving = new Map<string, ComponentServing>();
    const names = new Set([...application.components.map((c) => c.name), ...rows.map((r) => r.component)]);
    await Promise.all(
      [...names].map(async (componentName) => {
        const component = byName.get(componentName);
        serving.set(
          componentName,
          await this.serving(environment, component, rowOf.get(componentName), availabilityOf),
        );
      }),
    );
    const components = planComponents(application, recorded, operationPlan, ({ name: n }) => serving.get(n)!);

    await Promise.all(
      components.map(async (entry) => {
        entry.preview = await this.preview(
          environment,
          name,
          entry,
          byName.get(entry.name),
          rowOf,
          secrets,
          application,
        );
      }),
    );

    return {
      environment: environment.name,
      application: name,
      kind: 'apply',
      summary: summarize(components),
      components,
      steps: operationPlan.steps,
    };
  }

  /** Which adapter serves a component and why. A removed component is served by the profile it was made with. */
  private async serving(
    environment: EnvironmentEntity,
    component: ApplicationSpec['components'][number] | undefined,
    row: ManagedResourceEntity | undefined,
    availabilityOf: (
      provider: ResourceProvider,
      profile: ProviderProfile,
    ) => Promise<{ available: boolean; reason?: string }>,
  ): Promise<ComponentServing> {
    const workload = component ? !isCloudComponent(component) : row?.category === 'workload';
    if (workload) {
      const kind = environment.runtime.kind;
      const registered = this.runtimes.find(kind) !== undefined;
      return {
        adapter: {
          role: 'runtime',
          kind,
          profile: ENVIRONMENT_RUNTIME,
          available: registered,
          ...(registered ? {} : { reason: `no runtime of kind "${kind}" in this service` }),
        },
        why: `a ${component?.type ?? row?.type} workload is delivered by the environment's runtime (${kind})`,
      };
    }
    let profileName: string | null;
    let profile: ProviderProfile | undefined;
    let why: string;
    if (component && isCloudComponent(component)) {
      profileName = component.providerRef ?? null;
      profile = profileName ? environment.profiles?.[profileName] : environment.provider;
      why = profileName
        ? `providerRef.name "${profileName}" selects the environment's named profile "${profileName}" (${profile?.kind})`
        : `no providerRef: the environment's default profile (${environment.provider.kind})`;
    } else {
      profileName = row?.profileName ?? null;
      const named = profileName ? environment.profiles?.[profileName] : undefined;
      const base = named ?? environment.provider;
      const kind = row?.profileKind ?? base.kind;
      profile = base.kind === kind ? base : { kind, settings: base.settings };
      why = `no longer in the spec: torn down by the profile it was provisioned with (${profileName ? `"${profileName}"` : ENVIRONMENT_DEFAULT}, ${kind})`;
    }
    const label = profileName ?? ENVIRONMENT_DEFAULT;
    if (!profile) {
      return {
        adapter: {
          role: 'provider',
          kind: 'unknown',
          profile: label,
          available: false,
          reason: `the environment has no provider profile "${label}"`,
        },
        why,
      };
    }
    const provider = this.providers.find(profile.kind);
    if (!provider) {
      return {
        adapter: {
          role: 'provider',
          kind: profile.kind,
          profile: label,
          available: false,
          reason: `no provider for profile kind "${profile.kind}" in this service`,
        },
        why,
      };
    }
    const { available, reason } = await availabilityOf(provider, profile);
    return {
      adapter: {
        role: 'provider',
        kind: profile.kind,
        profile: label,
        available,
        ...(available || !reason ? {} : { reason }),
      },
      why,
    };
  }

  /** The provider's own preview of a component about to be provisioned, bounded by PREVIEW_TIMEOUT_MS. */
  private async preview(
    environment: EnvironmentEntity,
    application: string,
    entry: PlanComponent,
    component: ApplicationSpec['components'][number] | undefined,
    rowOf: Map<string, ManagedResourceEntity>,
    secrets: ComponentSecrets,
    spec: ApplicationSpec,
  ): Promise<PlanPreview | undefined> {
    if (entry.category !== 'cloud') return undefined;
    if (!entry.adapter.available) {
      return { status: 'unavailable', message: entry.adapter.reason ?? `${entry.adapter.kind} is not available here` };
    }
    if (!component || !isCloudComponent(component)) {
      return { status: 'skipped', message: `${entry.action}: no preview for a removal` };
    }
    if (entry.action === 'unchanged') {
      return { status: 'skipped', message: 'unchanged since the last successful apply (a refresh detects drift)' };
    }
    // The request the provision step would send, as far as it is known before running (recorded dependency outputs).
    const { request, provider } = await this.requests.forComponent(
      { environment, application, spec, givenSecrets: secrets[component.name] },
      component,
      rowOf,
    );
    const scrubber = new SecretScrubber(Object.values(request.secretProperties));
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const plan = await Promise.race([
        provider.preview({ ...request, signal: controller.signal }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new ProviderError(ProviderErrorCode.Timeout, `no preview within ${PREVIEW_TIMEOUT_MS / 1000} s`));
          }, PREVIEW_TIMEOUT_MS);
        }),
      ]);
      return {
        status: 'ok',
        exact: plan.exact,
        changes: plan.changes.map((c) => ({ ...c, ...(c.detail ? { detail: scrubber.scrub(c.detail) } : {}) })),
      };
    } catch (error) {
      const failure = ProviderError.from(error);
      return {
        status:
          failure.code === ProviderErrorCode.Timeout
            ? 'timeout'
            : failure.code === ProviderErrorCode.Unavailable
              ? 'unavailable'
              : 'failed',
        code: failure.code,
        message: scrubber.scrub(failure.message),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
