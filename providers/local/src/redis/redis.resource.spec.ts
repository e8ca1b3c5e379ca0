import { ProviderErrorCode, type CloudComponentType, type ResourceRequest } from '@berth/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonStateStore } from '../state/json-state.store';
import { emptyState, type LocalState } from '../state/local-state';
import { SecretDeriver } from '../support/secret-deriver';
import { RedisResource, type RedisResourceOptions } from './redis.resource';

describe('redis resource: what it refuses before touching a server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-redis-unit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const resource = (options: RedisResourceOptions) =>
    new RedisResource(
      new JsonStateStore<LocalState>(join(dir, 'local', 'state.json'), emptyState),
      dir,
      '127.0.0.1',
      new SecretDeriver(join(dir, 'local', 'master.key')),
      options,
    );
  // An admin URL nothing listens on: validation never connects.
  const withServer = () => resource({ redisAdminUrl: 'redis://127.0.0.1:1' });

  it('without BERTH_LOCAL_REDIS_URL and without redis-server on PATH: one problem naming both', () => {
    const problems = resource({ searchPath: '' }).validate({});
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('');
    expect(problems[0].message).toContain('BERTH_LOCAL_REDIS_URL');
    expect(problems[0].message).toContain('redis-server');
  });

  it('apply then fails as InvalidRequest (422), naming both, before creating anything', async () => {
    const request: ResourceRequest = {
      environment: 'dev',
      application: 'shop',
      component: 'cache',
      type: 'redis' as unknown as CloudComponentType,
      profile: { kind: 'local', settings: {} },
      properties: {},
      secretProperties: { password: 'pw-0123456789' },
      dependencies: {},
      externalIds: {},
      idempotencyKey: 'dev/shop/cache',
      signal: new AbortController().signal,
    };
    const refusal = resource({ searchPath: '' }).apply(request, { log: () => undefined });
    await expect(refusal).rejects.toMatchObject({ code: ProviderErrorCode.InvalidRequest });
    await expect(refusal).rejects.toThrow(/BERTH_LOCAL_REDIS_URL.*redis-server/);
  });

  it('names the field of each bad property as the user wrote it', () => {
    const paths = (properties: Record<string, unknown>) =>
      withServer()
        .validate(properties)
        .map((p) => p.path);
    expect(withServer().validate({ engineVersion: '5.0', accounts: [{ name: 'reader', password: 'x' }] })).toEqual([]);
    expect(paths({ engineVersion: 5 })).toEqual(['/engineVersion']);
    expect(paths({ securityIps: ['10.0.0.0/8', '0.0.0.0/0'] })).toEqual(['/securityIps']);
    expect(paths({ securityIps: '0.0.0.0/0' })).toEqual(['/securityIps']);
    expect(paths({ accounts: 'reader' })).toEqual(['/accounts']);
    expect(
      paths({
        accounts: ['reader', { name: 'Reader' }, { name: 'ok', password: '' }, { name: 'ok', privilege: 'RoleRepl' }],
      }),
    ).toEqual(['/accounts/0', '/accounts/1/name', '/accounts/2/password', '/accounts/3/name', '/accounts/3/privilege']);
  });
});
