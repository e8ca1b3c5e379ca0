import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSettingProblem } from '@berth/core';
import { LocalResourceProvider } from '../local-resource.provider';
import { readLocalProviderSettings } from './local-provider.settings';

describe('readLocalProviderSettings', () => {
  it('reads every BERTH_LOCAL_* variable into the provider options (empty counts as unset)', () => {
    expect(
      readLocalProviderSettings({
        BERTH_LOCAL_POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
        BERTH_LOCAL_MYSQL_URL: 'mysql://root@127.0.0.1:3306/',
        BERTH_LOCAL_REDIS_URL: 'redis://default:pw@127.0.0.1:6379',
        BERTH_LOCAL_S3_URL: 'http://127.0.0.1:9000',
        BERTH_LOCAL_S3_ACCESS_KEY_ID: 'AKIA',
        BERTH_LOCAL_S3_SECRET_ACCESS_KEY: '',
      }),
    ).toEqual({
      options: {
        postgresAdminUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
        mysqlAdminUrl: 'mysql://root@127.0.0.1:3306/',
        redisUrl: 'redis://default:pw@127.0.0.1:6379',
        s3Url: 'http://127.0.0.1:9000',
        s3AccessKeyId: 'AKIA',
      },
      problems: [],
    });
  });

  it.each([
    [{ BERTH_LOCAL_MYSQL_URL: 'postgres://x' }, 'BERTH_LOCAL_MYSQL_URL: must be a mysql:// URL (got "postgres://x")'],
    [
      { BERTH_LOCAL_POSTGRES_URL: 'mysql://root:hunter2@db/' },
      'BERTH_LOCAL_POSTGRES_URL: must be a postgres:// or postgresql:// URL (got "mysql://root:<redacted>@db/")',
    ],
    [
      { BERTH_LOCAL_REDIS_URL: 'http://127.0.0.1:6379' },
      'BERTH_LOCAL_REDIS_URL: must be a redis:// or rediss:// URL (an admin user of Redis 6.2 or newer) (got "http://127.0.0.1:6379")',
    ],
    [
      { BERTH_LOCAL_S3_URL: 's3://bucket' },
      'BERTH_LOCAL_S3_URL: must be an http:// or https:// URL (got "s3://bucket")',
    ],
  ])('names a bad variable, what it expects and what was given, never a password: %o', (env, message) => {
    const { options, problems } = readLocalProviderSettings(env);
    expect(problems.map(formatSettingProblem)).toEqual([message]);
    expect(options).toEqual({});
    expect(message).not.toContain('hunter2');
  });
});

describe('LocalResourceProvider settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-local-settings-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports its bad variables through validateSettings, and an explicit option wins over a variable', () => {
    const bad = new LocalResourceProvider({ dataDir, env: { BERTH_LOCAL_MYSQL_URL: 'nope' } });
    expect(bad.validateSettings().map((p) => p.variable)).toEqual(['BERTH_LOCAL_MYSQL_URL']);
    expect(new LocalResourceProvider({ dataDir }).validateSettings()).toEqual([]);

    // Without a MySQL server configured the provider refuses rds mysql; the variable configures one.
    const rds = { engine: 'mysql', databaseName: 'shop', accountName: 'shop' };
    const unset = new LocalResourceProvider({ dataDir, env: {} });
    const fromEnv = new LocalResourceProvider({
      dataDir,
      env: { BERTH_LOCAL_MYSQL_URL: 'mysql://root@127.0.0.1:3306/' },
    });
    const profile = { kind: 'local', settings: {} };
    expect(unset.validateComponent('rds', rds, profile).map((p) => p.path)).toContain('/engine');
    expect(fromEnv.validateComponent('rds', rds, profile)).toEqual([]);
  });
});
