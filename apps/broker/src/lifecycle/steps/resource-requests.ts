import {
  generatePassword,
  PlanGraph,
  resolveSecretInputs,
  withoutSecretInputs,
  resourceIdempotencyKey,
  type ApplicationSpec,
  type CloudComponentSpec,
  type CloudComponentType,
  type DependencyOutputs,
  type ProviderProfile,
  type ResourceProvider,
  type ResourceRequest,
} from '@berth/core';
import type { EnvironmentEntity, ManagedResourceEntity, ResourceStore } from '@berth/persistence';
import type { ProviderRegistry } from '../../adapters/provider.registry';
import { BUILTIN_TYPES } from '@berth/types';
import type { SecretStore } from '../../secrets/secret-store';

/** The application a request is for, in its environment. */
export interface RequestScope {
  environment: EnvironmentEntity;
  application: string;
}

/** A request without its abort signal (the caller adds the one of its step or preview). */
export type UnsignedRequest = Omit<ResourceRequest, 'signal'>;

export interface ComponentRequest {
  request: UnsignedRequest;
  provider: ResourceProvider;
  profile: ProviderProfile;
  /** The environment's named profile the component selects (`providerRef.name`), or null for the default. */
  profileName: string | null;
  /** The components it depends on, sorted. */
  dependencyNames: string[];
}

export interface RecordedRequest {
  request: UnsignedRequest;
  provider: ResourceProvider;
  profile: ProviderProfile;
}

/**
 * Builds every ResourceRequest the broker sends: for a component of the spec (provision, plan preview) and for a
 * resource as recorded (destroy, refresh, rotate, revoke). One place resolves profiles and opens held inputs.
 */
export class ResourceRequests {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly resources: ResourceStore,
    private readonly secrets: SecretStore,
  ) {}

  /** These requests over other resource reads and secrets (one operation's view of its application). */
  over(resources: ResourceStore, secrets: SecretStore): ResourceRequests {
    return new ResourceRequests(this.providers, resources, secrets);
  }

  /** The profile a recorded resource was made with (its named profile if still there, else the environment's). */
  recordedProfile(environment: EnvironmentEntity, row: Pick<ManagedResourceEntity, 'profileName' | 'profileKind'>) {
    const named = row.profileName ? environment.profiles?.[row.profileName] : undefined;
    const profile = named ?? environment.provider;
    return row.profileKind && profile.kind !== row.profileKind
      ? { kind: row.profileKind, settings: profile.settings }
      : profile;
  }

  /** The request about a resource as it was recorded (its stored properties and held inputs, no dependencies). */
  forRecorded(scope: RequestScope, row: ManagedResourceEntity): RecordedRequest {
    const environment = scope.environment.name;
    const profile = this.recordedProfile(scope.environment, row);
    return {
      profile,
      provider: this.providers.get(profile.kind),
      request: {
        environment: row.sharedOwner ?? environment,
        application: scope.application,
        component: row.component,
        type: row.type as CloudComponentType,
        profile,
        properties: row.properties,
        secretProperties: this.secrets.heldInputs(environment, scope.application, row),
        dependencies: {},
        externalIds: row.externalIds,
        // A shared resource keeps the name it was made under (its owner environment's) in every delivery using it.
        idempotencyKey: resourceIdempotencyKey(row.sharedOwner ?? environment, scope.application, row.component),
      },
    };
  }

  /**
   * The request that provisions a component of the spec: its public properties, its secret inputs (given, else
   * held, else generated once), the recorded outputs of the components it depends on. `rows` are the application's
   * recorded resources when the caller has them already (else they are read).
   */
  async forComponent(
    scope: RequestScope & { spec: ApplicationSpec; givenSecrets: Record<string, string> | undefined },
    component: CloudComponentSpec,
    rows?: ReadonlyMap<string, ManagedResourceEntity>,
  ): Promise<ComponentRequest> {
    const environment = scope.environment.name;
    const recorded =
      rows ?? new Map((await this.resources.list(environment, scope.application)).map((row) => [row.component, row]));
    const existing = recorded.get(component.name);
    const { profileName, profile, provider } = this.providers.resolve(scope.environment, component);
    const dependencyNames = PlanGraph.fromApplication(scope.spec).dependenciesOf(component.name).sort();
    const dependencies: Record<string, DependencyOutputs> = {};
    for (const name of dependencyNames) {
      const row = recorded.get(name);
      if (row?.category === 'cloud') {
        dependencies[name] = {
          type: row.type as CloudComponentType,
          externalIds: row.externalIds,
          outputs: row.outputs,
        };
      }
    }
    const held = this.secrets.heldInputs(environment, scope.application, existing);
    // Secret inputs only travel as secretProperties (never in properties, status or events).
    const descriptor = BUILTIN_TYPES.require(component.type);
    return {
      profile,
      profileName,
      provider,
      dependencyNames,
      request: {
        environment,
        application: scope.application,
        component: component.name,
        type: component.type,
        profile,
        properties: withoutSecretInputs(descriptor, component.properties),
        secretProperties: resolveSecretInputs(descriptor, scope.givenSecrets, held, generatePassword),
        dependencies,
        externalIds: existing?.externalIds ?? {},
        idempotencyKey: resourceIdempotencyKey(environment, scope.application, component.name),
      },
    };
  }
}
