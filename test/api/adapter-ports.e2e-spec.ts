import {
  ResourceProvider,
  WorkloadRuntime,
  type ProviderAvailability,
  type SettingProblem,
  type WorkloadStatus,
} from '@berth/core';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../apps/broker/src';
import { startTestApp } from '../support/test-app';

/** A runtime of its own kind that counts what the service asks of it through the port. */
class CountingRuntime extends WorkloadRuntime {
  readonly kind = 'counting';
  readonly calls: string[] = [];
  override async start(): Promise<void> {
    this.calls.push('start');
  }
  override async close(): Promise<void> {
    this.calls.push('close');
  }
  async deliver(): Promise<WorkloadStatus[]> {
    return [];
  }
  async remove(): Promise<void> {}
  async status(): Promise<WorkloadStatus[]> {
    return [];
  }
}

/** A provider whose own settings are wrong: boot must name its variable with the service's. */
class MisconfiguredProvider extends ResourceProvider {
  readonly kinds = ['misconfigured'] as const;
  override validateSettings(): SettingProblem[] {
    return [{ variable: 'BERTH_MISCONFIGURED_URL', message: 'must be an https:// URL (got "ftp://x")' }];
  }
  async availability(): Promise<ProviderAvailability> {
    return { available: true };
  }
  validateProfile() {
    return [];
  }
  preview = () => Promise.reject(new Error('unused'));
  apply = () => Promise.reject(new Error('unused'));
  destroy = () => Promise.reject(new Error('unused'));
  refresh = () => Promise.reject(new Error('unused'));
}

describe('adapters through their ports', () => {
  it('starts a registered runtime with the worker and closes it at shutdown; its kind is accepted', async () => {
    const runtime = new CountingRuntime();
    const t = await startTestApp('sqlite', { extraRuntimes: [runtime], config: { role: 'all' } });
    try {
      expect(runtime.calls).toEqual(['start']);
      const put = await request(t.server)
        .put('/v1/environments/counted')
        .send({ provider: { kind: 'local', settings: {} }, runtime: { kind: 'counting', settings: {} } });
      expect(put.status, put.text).toBe(201);
    } finally {
      await t.close();
    }
    expect(runtime.calls).toEqual(['start', 'close']);
  });

  it('does not start runtimes where no operations run (role api)', async () => {
    const runtime = new CountingRuntime();
    const t = await startTestApp('sqlite', { extraRuntimes: [runtime] });
    await t.close();
    expect(runtime.calls).toEqual(['close']);
  });

  it("refuses to boot on an adapter's bad settings, naming its variable after the service's own", async () => {
    const boot = startTestApp('sqlite', {
      extraProviders: [new MisconfiguredProvider()],
      env: { BERTH_LOCAL_MYSQL_URL: 'http://db' },
      config: {},
    });
    await expect(boot).rejects.toThrow(ConfigError);
    await expect(boot).rejects.toThrow(
      'BERTH_LOCAL_MYSQL_URL: must be a mysql:// URL (got "http://db"); ' +
        'BERTH_MISCONFIGURED_URL: must be an https:// URL (got "ftp://x")',
    );
  });
});
