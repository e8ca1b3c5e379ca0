import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError, SILENT_LOG, type ProviderProfile, type ResourceRequest } from '@berth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalResourceProvider } from './local-resource.provider';

const profile: ProviderProfile = { kind: 'local', settings: {} };

describe('LocalResourceProvider dispatches by type through its handlers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-local-handlers-'));
  const empty = mkdtempSync(join(tmpdir(), 'berth-no-redis-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('says which types it provisions: one handler each', () => {
    expect(new LocalResourceProvider({ dataDir }).types).toEqual(['vpc', 'rds', 'oss', 'slb', 'redis']);
  });

  it('refuses a redis with neither BERTH_LOCAL_REDIS_URL nor redis-server on PATH, naming both', () => {
    const provider = new LocalResourceProvider({ dataDir, redisSearchPath: empty });
    const problems = provider.validateComponent('redis', {}, profile);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('BERTH_LOCAL_REDIS_URL');
    expect(problems[0]!.message).toContain('redis-server');
    // With an admin URL the same component is acceptable (the server is contacted at apply, not here).
    const external = new LocalResourceProvider({ dataDir, redisUrl: 'redis://127.0.0.1:6379', redisSearchPath: empty });
    expect(external.validateComponent('redis', {}, profile)).toEqual([]);
  });

  it('answers a type it has no handler for with an error naming it, not a crash', async () => {
    const request = {
      environment: 'dev',
      application: 'shop',
      component: 'ip',
      type: 'eip',
      profile,
      properties: {},
      secretProperties: {},
      dependencies: {},
      externalIds: {},
      idempotencyKey: 'dev/shop/ip',
      signal: new AbortController().signal,
    } satisfies ResourceRequest;
    const provider = new LocalResourceProvider({ dataDir });
    await expect(provider.apply(request, SILENT_LOG)).rejects.toThrow(ProviderError);
    await expect(provider.apply(request, SILENT_LOG)).rejects.toThrow('the local provider cannot provision eip');
    expect(provider.validateComponent('eip', {}, profile)).toEqual([]);
  });
});
