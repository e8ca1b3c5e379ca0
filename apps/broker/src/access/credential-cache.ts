import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ApiTokenEntity, RoleBindingEntity } from '@berth/persistence';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';

/** A credential that identified someone: the token row (for API tokens) and the subjects' role bindings. */
export interface KnownCredential {
  token?: ApiTokenEntity;
  roles: RoleBindingEntity[];
}

const MOST_CREDENTIALS = 10_000;

/**
 * Credentials that identified someone in the last `BERTH_AUTH_CACHE_TTL`, so that a client's stream of requests
 * costs one token and role-binding lookup rather than one per request. Only successes are kept; a token's expiry is
 * still checked on every request by the caller. Any change to a token or a role binding made through this process
 * empties it at once, so revocation here is immediate; another replica sees it within the cache's lifetime.
 */
@Injectable()
export class CredentialCache {
  private readonly entries?: LRUCache<string, KnownCredential>;
  /** Bumped by every change: a lookup that began before one is not kept (it may have read the old rows). */
  private generation = 0;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    if (config.authCacheMs > 0)
      this.entries = new LRUCache({ max: MOST_CREDENTIALS, ttl: config.authCacheMs, ttlAutopurge: false });
  }

  /** What `key` identified recently, or what `lookup` finds now (kept when it identifies someone). */
  async remember<Found extends KnownCredential | { refused: string }>(
    key: string,
    lookup: () => Promise<Found>,
  ): Promise<Found> {
    const known = this.entries?.get(key);
    if (known) return known as Found;
    const generation = this.generation;
    const found = await lookup();
    if (this.entries && !('refused' in found) && generation === this.generation) this.entries.set(key, found);
    return found;
  }

  /** A token or a role binding changed: nothing looked up before counts any longer. */
  forgetAll(): void {
    this.generation++;
    this.entries?.clear();
  }
}
