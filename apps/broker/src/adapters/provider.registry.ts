import {
  ProviderError,
  ProviderErrorCode,
  type EnvironmentSpec,
  type ProviderAvailability,
  type ProviderProfile,
  type ResourceProvider,
} from '@berth/core';

export interface ResolvedProvider {
  /** The named profile (providerRef), or null for the environment's default profile. */
  profileName: string | null;
  profile: ProviderProfile;
  provider: ResourceProvider;
}

/** The ResourceProviders of this service, by profile kind; picks the one serving each component. */
export class ProviderRegistry {
  private readonly byKind = new Map<string, ResourceProvider>();

  constructor(providers: Iterable<ResourceProvider> = []) {
    for (const provider of providers) this.register(provider);
  }

  /** A later registration of a kind wins (tests replace a real adapter with the test provider). */
  register(provider: ResourceProvider): void {
    for (const kind of provider.kinds) this.byKind.set(kind, provider);
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  providers(): ResourceProvider[] {
    return [...new Set(this.byKind.values())];
  }

  find(kind: string): ResourceProvider | undefined {
    return this.byKind.get(kind);
  }

  /** The adapter of a profile kind, or an Unavailable ProviderError naming it. */
  get(kind: string): ResourceProvider {
    const provider = this.byKind.get(kind);
    if (!provider) {
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `no provider for profile kind "${kind}" in this service (known: ${this.kinds().join(', ') || 'none'})`,
      );
    }
    return provider;
  }

  /** The profile a component uses: its providerRef's named profile, else the environment's default profile. */
  profileOf(
    environment: Pick<EnvironmentSpec, 'provider' | 'profiles'>,
    providerRef?: string | null,
  ): { profileName: string | null; profile: ProviderProfile } {
    if (providerRef) {
      const profile = environment.profiles?.[providerRef];
      if (!profile) {
        throw new ProviderError(
          ProviderErrorCode.InvalidRequest,
          `the environment has no provider profile "${providerRef}"`,
        );
      }
      return { profileName: providerRef, profile };
    }
    return { profileName: null, profile: environment.provider };
  }

  resolve(
    environment: Pick<EnvironmentSpec, 'provider' | 'profiles'>,
    component: { providerRef?: string | null },
  ): ResolvedProvider {
    const { profileName, profile } = this.profileOf(environment, component.providerRef);
    return { profileName, profile, provider: this.get(profile.kind) };
  }

  /** Availability of each registered kind for the given profiles (the first profile of a kind is asked). */
  async availability(profiles: ProviderProfile[]): Promise<Record<string, ProviderAvailability & { used: boolean }>> {
    const result: Record<string, ProviderAvailability & { used: boolean }> = {};
    await Promise.all(
      this.kinds().map(async (kind) => {
        const profile = profiles.find((p) => p.kind === kind);
        try {
          const availability = await this.get(kind).availability(profile ?? { kind, settings: {} });
          result[kind] = { ...availability, used: profile !== undefined };
        } catch (error) {
          result[kind] = {
            available: false,
            reason: error instanceof Error ? error.message : String(error),
            used: profile !== undefined,
          };
        }
      }),
    );
    return result;
  }
}
