/**
 * Live Alibaba Cloud suite: real `pulumi` CLI, real account. Runs only where `pulumi` is on PATH (or
 * BERTH_PULUMI_COMMAND) and ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY are set; otherwise it skips and says why.
 * It creates a VPC and an OSS bucket (cheap, fast), checks their outputs, refreshes, and destroys them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResourceRequest } from '@berth/core';
import { MISSING_CLI_MESSAGE } from '@berth/pulumi';
import { AlicloudResourceProvider } from '@berth/provider-alicloud';

function cliPresent(): boolean {
  try {
    execFileSync(process.env.BERTH_PULUMI_COMMAND || 'pulumi', ['version'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}
const missing = [
  ...(cliPresent() ? [] : [MISSING_CLI_MESSAGE]),
  ...['ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY'].filter((n) => !process.env[n]).map((n) => `${n} is not set`),
];
if (missing.length > 0) console.warn(`skipping the live Alibaba Cloud suite: ${missing.join('; ')}`);

const region = process.env.ALICLOUD_REGION ?? 'cn-hangzhou';
const run = `live${Date.now().toString(36)}`;
const log = { log: (level: string, message: string) => console.log(`[${level}] ${message}`) };

describe.skipIf(missing.length > 0)('Alibaba Cloud, live', () => {
  let dataDir = '';
  let provider: AlicloudResourceProvider;
  const requests: ResourceRequest[] = [];

  function request(
    component: string,
    type: ResourceRequest['type'],
    properties: Record<string, unknown>,
    dependencies: ResourceRequest['dependencies'] = {},
  ): ResourceRequest {
    const r: ResourceRequest = {
      environment: run,
      application: 'berth-live',
      component,
      type,
      profile: { kind: 'alicloud', settings: { region } },
      properties,
      secretProperties: {},
      dependencies,
      externalIds: {},
      idempotencyKey: `${run}/${component}`,
      signal: new AbortController().signal,
    };
    requests.push(r);
    return r;
  }

  afterAll(async () => {
    for (const r of requests.reverse())
      await provider?.destroy(r, log).catch((e: unknown) => console.error(`cleanup of ${r.component} failed`, e));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30 * 60_000);

  it(
    'creates a VPC and a bucket with scoped credentials, reports no drift, and destroys them',
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'berth-live-'));
      provider = new AlicloudResourceProvider({ dataDir });
      expect(await provider.availability({ kind: 'alicloud', settings: { region } })).toEqual({ available: true });

      const net = request('net', 'vpc', { cidr: '172.31.0.0/16', vswitches: [{ cidr: '172.31.1.0/24' }] });
      const plan = await provider.preview(net);
      expect(plan.changes.filter((c) => c.action === 'create').length).toBeGreaterThanOrEqual(3);
      const vpc = await provider.apply(net, log);
      expect(vpc.outputs.VPC_ID).toMatch(/^vpc-/);
      expect(vpc.outputs.VPC_CIDR).toBe('172.31.0.0/16');
      expect(vpc.outputs.VSWITCH_ID).toMatch(/^vsw-/);
      const again = await provider.apply(net, log);
      expect(again.outputs.VPC_ID).toBe(vpc.outputs.VPC_ID);

      const files = request('files', 'oss', {});
      const oss = await provider.apply(files, log);
      expect(oss.outputs.BUCKET_NAME).toMatch(/^berth-/);
      expect(oss.secretOutputs.OSS_ACCESS_KEY_SECRET).toBeTruthy();
      expect(oss.outputs.OSS_ACCESS_KEY_SECRET).toBeUndefined();

      expect(await provider.refresh(net)).toMatchObject({ drifted: false, exists: true });
    },
    30 * 60_000,
  );
});
