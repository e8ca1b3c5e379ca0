import { describe, expect, it } from 'vitest';
import type { ApiTokenEntity } from '@berth/persistence';
import type { BerthConfig } from '../config/berth-config';
import { CredentialCache, type KnownCredential } from './credential-cache';

const cacheFor = (authCacheMs: number) => new CredentialCache({ authCacheMs } as BerthConfig);
const token = { name: 'ci', revokedAt: null, expiresAt: null } as ApiTokenEntity;

/** A lookup that counts its calls and answers what `answer` says at the time. */
function counted(answer: () => KnownCredential | { refused: string }) {
  const lookup = async () => {
    lookup.calls++;
    return answer();
  };
  lookup.calls = 0;
  return lookup;
}

describe('CredentialCache', () => {
  it('looks a credential up once within its lifetime, and again after it', async () => {
    const cache = cacheFor(40);
    const lookup = counted(() => ({ token, roles: [] }));
    await cache.remember('k', lookup);
    await cache.remember('k', lookup);
    expect(lookup.calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await cache.remember('k', lookup);
    expect(lookup.calls).toBe(2);
  });

  it('never keeps a refusal: a credential that did not identify anyone is looked up every time', async () => {
    const cache = cacheFor(60_000);
    const lookup = counted(() => ({ refused: 'the token is not known' }));
    expect(await cache.remember('k', lookup)).toEqual({ refused: 'the token is not known' });
    await cache.remember('k', lookup);
    expect(lookup.calls).toBe(2);
  });

  it('forgets everything on a change, including a lookup that was under way when the change was made', async () => {
    const cache = cacheFor(60_000);
    let release!: () => void;
    const slow = async (): Promise<KnownCredential> => {
      await new Promise<void>((resolve) => (release = resolve));
      return { token, roles: [] };
    };
    const underway = cache.remember('k', slow);
    cache.forgetAll();
    release();
    await underway;
    const after = counted(() => ({ refused: `token ci was revoked` }));
    expect(await cache.remember('k', after)).toEqual({ refused: 'token ci was revoked' });
    expect(after.calls).toBe(1);
  });

  it('with a lifetime of 0 looks every credential up on every request', async () => {
    const cache = cacheFor(0);
    const lookup = counted(() => ({ token, roles: [] }));
    await cache.remember('k', lookup);
    await cache.remember('k', lookup);
    expect(lookup.calls).toBe(2);
  });
});
