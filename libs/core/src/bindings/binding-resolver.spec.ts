import { describe, expect, it } from 'vitest';
import { application, cloud, workload } from '../lifecycle/testing/application.fixture';
import { ProviderError } from '../errors';
import { availableSecret, requireReadyBindings, resolveBindings, type AvailableSecret } from './binding-resolver';

const dbSecret = (version: number): AvailableSecret => ({
  name: 'shop-db-conn',
  component: 'db',
  version,
  keys: ['DB_HOST', 'DB_PORT', 'DB_PASSWORD', 'DB_URL'],
  sensitiveKeys: ['DB_PASSWORD', 'DB_URL'],
});
const bucketSecret = (version: number): AvailableSecret => ({
  name: 'media-secret',
  component: 'bucket',
  version,
  keys: ['BUCKET_NAME', 'OSS_ACCESS_KEY_SECRET'],
  sensitiveKeys: ['OSS_ACCESS_KEY_SECRET'],
});

describe('resolveBindings', () => {
  const app = application([
    cloud('db', 'rds'),
    cloud('bucket', 'oss', { connectionSecretName: 'media-secret' }),
    workload('api', [
      { env: 'DB_HOST', secret: 'db' },
      { env: 'DATABASE_PASSWORD', secret: 'shop-db-conn', key: 'DB_PASSWORD' },
      { env: 'BUCKET', secret: 'media-secret', key: 'BUCKET_NAME' },
    ]),
  ]);
  const api = app.components[2] as ReturnType<typeof workload>;

  it('resolves by component name and by secret name, defaulting the key to the env name, flagging sensitive keys', () => {
    const result = resolveBindings(api, app, [dbSecret(1), bucketSecret(1)]);
    expect(result.ready).toBe(true);
    expect(result.pending).toEqual([]);
    expect(result.env).toEqual([
      { name: 'DB_HOST', secretName: 'shop-db-conn', key: 'DB_HOST', sensitive: false },
      { name: 'DATABASE_PASSWORD', secretName: 'shop-db-conn', key: 'DB_PASSWORD', sensitive: true },
      { name: 'BUCKET', secretName: 'media-secret', key: 'BUCKET_NAME', sensitive: false },
    ]);
    expect(result.secretNames).toEqual(['media-secret', 'shop-db-conn']);
  });

  it('reports bindings whose secret is not ready or whose key is missing; a Secret the app does not create is external', () => {
    const app2 = application([
      cloud('db', 'rds'),
      cloud('bucket', 'oss', { connectionSecretName: 'media-secret' }),
      workload('api', [
        { env: 'DB_PUBLIC_HOST', secret: 'db' },
        { env: 'BUCKET_NAME', secret: 'bucket' },
        { env: 'X', secret: 'nowhere' },
      ]),
    ]);
    const result = resolveBindings(app2.components[2] as ReturnType<typeof workload>, app2, [dbSecret(1)]);
    expect(result.ready).toBe(false);
    expect(result.pending.map((p) => [p.env, p.reason])).toEqual([
      ['DB_PUBLIC_HOST', 'KeyMissing'],
      ['BUCKET_NAME', 'SecretNotReady'],
    ]);
    // Bound as it is in the runtime: not versioned (not in the checksum), its values unknown, so sensitive.
    expect(result.env).toEqual([{ name: 'X', secretName: 'nowhere', key: 'X', sensitive: true, external: true }]);
    expect(result.secretNames).toEqual([]);
  });

  it('changes the checksum when, and only when, a bound secret version changes', () => {
    const base = resolveBindings(api, app, [dbSecret(1), bucketSecret(1)]).bindingsChecksum;
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    // Same versions given in another order: same checksum.
    expect(resolveBindings(api, app, [bucketSecret(1), dbSecret(1)]).bindingsChecksum).toBe(base);
    // A secret the workload does not bind changes: same checksum.
    const unrelated: AvailableSecret = { ...dbSecret(9), name: 'other-conn', component: 'other' };
    expect(resolveBindings(api, app, [dbSecret(1), bucketSecret(1), unrelated]).bindingsChecksum).toBe(base);
    // A bound secret gets a new version: new checksum, different for each bound secret.
    const dbBumped = resolveBindings(api, app, [dbSecret(2), bucketSecret(1)]).bindingsChecksum;
    const bucketBumped = resolveBindings(api, app, [dbSecret(1), bucketSecret(2)]).bindingsChecksum;
    expect(new Set([base, dbBumped, bucketBumped]).size).toBe(3);
  });

  it('reads runtime secret material without needing anything but key names', () => {
    const secret = availableSecret({
      name: 'shop-db-conn',
      component: 'db',
      version: 4,
      data: { DB_HOST: 'h', DB_PASSWORD: 'p' },
      sensitiveKeys: ['DB_PASSWORD'],
    });
    expect(secret).toEqual({
      name: 'shop-db-conn',
      component: 'db',
      version: 4,
      keys: ['DB_HOST', 'DB_PASSWORD'],
      sensitiveKeys: ['DB_PASSWORD'],
    });
  });

  it('lets a deliver step refuse unready bindings: retryable while a secret is coming, not when a key can never exist', () => {
    expect(requireReadyBindings('api', resolveBindings(api, app, [dbSecret(1), bucketSecret(1)])).ready).toBe(true);
    const waiting = (() => {
      try {
        requireReadyBindings('api', resolveBindings(api, app, [dbSecret(1)]));
      } catch (error) {
        return error as ProviderError;
      }
    })();
    expect(waiting).toBeInstanceOf(ProviderError);
    expect(waiting?.retryable).toBe(true);
    expect(waiting?.message).toBe(
      'bindings of api are not ready: BUCKET: connection secret of bucket is not ready yet',
    );
    const app2 = application([cloud('db', 'rds'), workload('api', [{ env: 'DB_PUBLIC_HOST', secret: 'db' }])]);
    expect(() =>
      requireReadyBindings(
        'api',
        resolveBindings(app2.components[1] as ReturnType<typeof workload>, app2, [dbSecret(1)]),
      ),
    ).toThrow(expect.objectContaining({ code: 'InvalidRequest' }));
  });
});
