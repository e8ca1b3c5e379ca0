import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configureService } from '../app.factory';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';

function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('applies the embedded defaults', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: resolve('.berth'),
      databaseUrl: undefined,
      databaseKind: 'sqlite',
      maxBodyBytes: 1048576,
      logLevel: 'info',
      migrateOnBoot: false,
      role: 'all',
      workerConcurrency: 4,
      leaseSeconds: 30,
      refreshIntervalMs: 600_000,
      refreshConcurrency: 4,
      progressWriteDelayMs: 200,
      secretKeys: undefined,
      requestTimeoutMs: 30_000,
      kubeconfigDirs: [join(homedir(), '.kube')],
      allowedHosts: undefined,
      allowedOrigins: [],
      authFailureLimit: 10,
      authCacheMs: 5_000,
      metricsRequireToken: false,
      oidc: undefined,
    });
  });

  it('reads the HTTP and kubeconfig variables, and names a bad one', () => {
    expect(
      loadConfig({
        BERTH_REQUEST_TIMEOUT: '2m',
        BERTH_KUBECONFIG_DIRS: '/etc/berth/kube:/home/ops/.kube/',
        BERTH_ALLOWED_HOSTS: 'Berth.Example.com, *.berth.internal,10.0.0.5,[::1]',
        BERTH_ALLOWED_ORIGINS: 'https://console.example.com,http://localhost:3000',
      }),
    ).toMatchObject({
      requestTimeoutMs: 120_000,
      kubeconfigDirs: ['/etc/berth/kube', '/home/ops/.kube'],
      allowedHosts: ['berth.example.com', '*.berth.internal', '10.0.0.5', '[::1]'],
      allowedOrigins: ['https://console.example.com', 'http://localhost:3000'],
    });
    expect(loadConfig({ BERTH_REQUEST_TIMEOUT: '45' }).requestTimeoutMs).toBe(45_000);
    expect(loadConfig({ BERTH_AUTH_CACHE_TTL: '0' }).authCacheMs).toBe(0);
    expect(loadConfig({ BERTH_AUTH_CACHE_TTL: '30s' }).authCacheMs).toBe(30_000);
    expect(() => loadConfig({ BERTH_AUTH_CACHE_TTL: '1h' })).toThrow(
      /BERTH_AUTH_CACHE_TTL: must be a duration from 0s to 5m/,
    );
    expect(loadConfig({ BERTH_KUBECONFIG_DIRS: 'none' }).kubeconfigDirs).toEqual([]);
    expect(loadConfig({ BERTH_ALLOWED_HOSTS: '*' }).allowedHosts).toEqual(['*']);
    expect(loadConfig({ BERTH_ALLOWED_ORIGINS: 'none' }).allowedOrigins).toEqual([]);

    expect(failure({ BERTH_REQUEST_TIMEOUT: '500ms' })).toMatch(
      /^BERTH_REQUEST_TIMEOUT: must be a duration from 1s to 1h/,
    );
    expect(failure({ BERTH_REQUEST_TIMEOUT: '2h' })).toMatch(/^BERTH_REQUEST_TIMEOUT: /);
    expect(failure({ BERTH_REQUEST_TIMEOUT: 'soon' })).toMatch(/^BERTH_REQUEST_TIMEOUT: /);
    expect(failure({ BERTH_KUBECONFIG_DIRS: 'kube:/etc/kube' })).toBe(
      'BERTH_KUBECONFIG_DIRS: must be absolute directory paths separated by ":", or none (got "kube:/etc/kube")',
    );
    expect(failure({ BERTH_ALLOWED_HOSTS: 'http://berth.example.com' })).toMatch(
      /^BERTH_ALLOWED_HOSTS: must be host names/,
    );
    expect(failure({ BERTH_ALLOWED_HOSTS: 'none' })).toMatch(/^BERTH_ALLOWED_HOSTS: /);
    expect(failure({ BERTH_ALLOWED_HOSTS: 'cafe.be:8080' })).toMatch(/^BERTH_ALLOWED_HOSTS: /);
    expect(failure({ BERTH_ALLOWED_HOSTS: '[berth]' })).toMatch(/^BERTH_ALLOWED_HOSTS: /);
    expect(failure({ BERTH_ALLOWED_ORIGINS: 'https://console.example.com/app' })).toMatch(
      /^BERTH_ALLOWED_ORIGINS: must be origins like https:\/\/console\.example\.com/,
    );
    expect(failure({ BERTH_ALLOWED_ORIGINS: '*' })).toMatch(/^BERTH_ALLOWED_ORIGINS: /);
  });

  it('reads the lifecycle variables and names a bad one without echoing a secret', () => {
    const config = loadConfig({
      BERTH_ROLE: 'worker',
      BERTH_WORKER_CONCURRENCY: '8',
      BERTH_LEASE_SECONDS: '9',
      BERTH_REFRESH_INTERVAL: '90s',
    });
    expect(config).toMatchObject({ role: 'worker', workerConcurrency: 8, leaseSeconds: 9, refreshIntervalMs: 90_000 });
    expect(loadConfig({ BERTH_REFRESH_INTERVAL: '0' }).refreshIntervalMs).toBe(0);
    expect(config.refreshConcurrency).toBe(8);
    expect(loadConfig({ BERTH_REFRESH_CONCURRENCY: '3' }).refreshConcurrency).toBe(3);
    expect(() => loadConfig({ BERTH_REFRESH_CONCURRENCY: '0' })).toThrow(
      /BERTH_REFRESH_CONCURRENCY: must be an integer between 1 and 1024/,
    );
    expect(() => loadConfig({ BERTH_ROLE: 'boss' })).toThrow(/BERTH_ROLE: must be one of all, api, worker/);
    expect(() => loadConfig({ BERTH_SECRET_KEY: 'not-a-key-hunter2' })).toThrow(/BERTH_SECRET_KEY: .*<redacted>/);
    expect(() => loadConfig({ BERTH_SECRET_KEY: 'not-a-key-hunter2' })).not.toThrow(/hunter2/);
  });

  it('sizes the PostgreSQL pool for the worker plus the API, and refuses a size where there is no pool', () => {
    const pg = 'postgres://berth@db.example.com/berth';
    // 16 operations in flight must not leave the API waiting for a connection.
    expect(loadConfig({ DATABASE_URL: pg, BERTH_WORKER_CONCURRENCY: '16' }).databasePoolSize).toBe(26);
    expect(loadConfig({ DATABASE_URL: pg, BERTH_DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    expect(() => loadConfig({ DATABASE_URL: pg, BERTH_DATABASE_POOL_SIZE: '0' })).toThrow(
      /BERTH_DATABASE_POOL_SIZE: must be an integer between 1 and 1000/,
    );
    expect(() => loadConfig({ BERTH_DATABASE_POOL_SIZE: '20' })).toThrow(
      /BERTH_DATABASE_POOL_SIZE: sizes the PostgreSQL connection pool: set DATABASE_URL too/,
    );
  });

  it('reads BERTH_SECRET_KEYS (the first seals, all open) and refuses a bad, repeated or doubly set key unquoted', () => {
    const a = 'a'.repeat(64);
    const b = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ BERTH_SECRET_KEYS: `${b}, ${a}` }).secretKeys).toEqual([b, a]);
    expect(loadConfig({ BERTH_SECRET_KEY: ` ${a} ` }).secretKeys).toEqual([a]);
    expect(() => loadConfig({ BERTH_SECRET_KEYS: `${b},hunter2-not-a-key` })).toThrow(
      /^BERTH_SECRET_KEYS: must be keys separated by commas, the sealing one first.*<redacted>/,
    );
    expect(() => loadConfig({ BERTH_SECRET_KEYS: `${b},hunter2-not-a-key` })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ BERTH_SECRET_KEYS: `${a},${a}` })).toThrow(/BERTH_SECRET_KEYS: names a key twice/);
    expect(() => loadConfig({ BERTH_SECRET_KEYS: a, BERTH_SECRET_KEY: a })).toThrow(/not both/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      BERTH_HOST: '0.0.0.0',
      BERTH_PORT: '9090',
      BERTH_DATA_DIR: '/var/lib/berth',
      DATABASE_URL: 'postgres://berth:pw@db:5432/berth',
      BERTH_MAX_BODY_BYTES: '2048',
      BERTH_LOG_LEVEL: 'DEBUG',
      BERTH_MIGRATE_ON_BOOT: 'true',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9090,
      dataDir: '/var/lib/berth',
      databaseKind: 'postgres',
      maxBodyBytes: 2048,
      logLevel: 'debug',
      migrateOnBoot: true,
    });
  });

  it.each([
    [{ BERTH_PORT: 'abc' }, 'BERTH_PORT: must be an integer between 0 and 65535 (got "abc")'],
    [{ BERTH_PORT: '70000' }, 'BERTH_PORT: must be an integer between 0 and 65535 (got "70000")'],
    [{ BERTH_PORT: '80.5' }, 'BERTH_PORT: must be an integer between 0 and 65535 (got "80.5")'],
    [
      { BERTH_MAX_BODY_BYTES: '1MB' },
      'BERTH_MAX_BODY_BYTES: must be an integer number of bytes between 1024 and 1073741824 (got "1MB")',
    ],
    [
      { BERTH_LOG_LEVEL: 'loud' },
      'BERTH_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [{ BERTH_MIGRATE_ON_BOOT: 'maybe' }, 'BERTH_MIGRATE_ON_BOOT: must be true or false (got "maybe")'],
    [
      { BERTH_HOST: 'not a host!' },
      'BERTH_HOST: must be a host name or an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) (got "not a host!")',
    ],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(failure(env)).toBe(message);
  });

  it('never echoes a database password', () => {
    const message = failure({ DATABASE_URL: 'mysql://root:hunter2@db/berth' });
    expect(message).toMatch(/^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).not.toContain('hunter2');
  });

  it('reports several bad variables on the same line', () => {
    const message = failure({ BERTH_PORT: '-1', BERTH_LOG_LEVEL: 'x' });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('BERTH_PORT:');
    expect(message).toContain('BERTH_LOG_LEVEL:');
  });
});

describe('configureService: boot asks every adapter for its own settings', () => {
  const refusal = (env: NodeJS.ProcessEnv): string => {
    try {
      configureService({ env, config: { dataDir: '/tmp/berth-config-spec' } });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };

  it("reports the service's and the adapters' bad variables together, on one line, naming each", () => {
    const message = refusal({
      BERTH_PORT: 'abc',
      BERTH_LOCAL_MYSQL_URL: 'postgres://root@db/x',
      BERTH_LOCAL_S3_SECRET_ACCESS_KEY: '',
      BERTH_PULUMI_PASSPHRASE: 'hunter2',
    });
    expect(message).toBe(
      [
        'BERTH_PORT: must be an integer between 0 and 65535 (got "abc")',
        'BERTH_LOCAL_MYSQL_URL: must be a mysql:// URL (got "postgres://root@db/x")',
        'BERTH_PULUMI_PASSPHRASE: must be at least 16 characters (the passphrase of the Pulumi secrets provider) (got <redacted>)',
      ].join('; '),
    );
    expect(refusal({ BERTH_PULUMI_CONCURRENCY: '0' })).toBe(
      'BERTH_PULUMI_CONCURRENCY: must be an integer between 1 and 64 (Pulumi runs at once) (got "0")',
    );
  });

  it('builds the providers from the same variables when all are good', () => {
    const { config, providers } = configureService({
      env: { BERTH_LOCAL_MYSQL_URL: 'mysql://root@127.0.0.1:3306/', BERTH_PULUMI_CONCURRENCY: '3' },
      config: { dataDir: '/tmp/berth-config-spec' },
    });
    expect(config.dataDir).toBe('/tmp/berth-config-spec');
    expect(providers.flatMap((p) => [...p.kinds]).sort()).toEqual(['alicloud', 'apsara', 'local']);
    expect(providers.map((p) => p.validateSettings?.() ?? [])).toEqual([[], []]);
  });
});
