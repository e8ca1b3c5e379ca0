import { createHash } from 'node:crypto';
import type { ApplyResult, ResourceRequest } from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';

/**
 * Fake but plausible connection values, unmistakably test values: host names under `.test.invalid` (RFC 2606 never
 * resolves them), addresses from TEST-NET-1 (192.0.2.0/24, RFC 5737), ids and secrets prefixed `test`.
 * Deterministic for a request, so re-applying returns the same values.
 */
export function testOutputs(request: ResourceRequest, id: string): ApplyResult {
  const digest = (salt: string) => createHash('sha256').update(`${salt}\0${request.idempotencyKey}`).digest('hex');
  const p = request.properties;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value : fallback);
  let values: Record<string, string>;
  switch (request.type) {
    case 'rds': {
      const engine = text(p.engine, 'mysql');
      const port = engine === 'postgresql' ? '5432' : '3306';
      const host = `${id}.rds.test.invalid`;
      const user = text(p.accountName, 'app');
      const database = text(p.databaseName, request.component.replace(/-/g, '_'));
      const password = request.secretProperties.password ?? `test-only-${digest('password').slice(0, 20)}`;
      const scheme = engine === 'postgresql' ? 'postgresql' : 'mysql';
      values = {
        DB_HOST: host,
        DB_PORT: port,
        DB_USER: user,
        DB_PASSWORD: password,
        DATABASE_NAME: database,
        DB_NAME: database,
        DB_ID: id,
        DB_URL: `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`,
      };
      if (p.publicConnection === true) values.DB_PUBLIC_HOST = `${id}.public.rds.test.invalid`;
      break;
    }
    case 'oss': {
      const bucket = text(
        p.bucket,
        `test-${request.application}-${request.component}-${digest('bucket').slice(0, 6)}`,
      ).toLowerCase();
      values = {
        BUCKET_NAME: bucket,
        BUCKET_ENDPOINT: `https://${bucket}.oss-test-region-1.test.invalid`,
        BUCKET_INTRANET_ENDPOINT: `https://${bucket}.oss-test-region-1-internal.test.invalid`,
        OSS_REGION: 'test-region-1',
        OSS_ACCESS_KEY_ID: `TESTAK${digest('ak').slice(0, 18).toUpperCase()}`,
        OSS_ACCESS_KEY_SECRET: `test-only-${digest('sk').slice(0, 30)}`,
      };
      break;
    }
    case 'slb': {
      const address = `192.0.2.${(Number.parseInt(digest('ip').slice(0, 4), 16) % 254) + 1}`;
      values = { SLB_ID: id, slbId: id, SLB_ADDRESS: address };
      break;
    }
    case 'vpc': {
      const count = Array.isArray(p.vswitches) && p.vswitches.length > 0 ? p.vswitches.length : 1;
      const vswitches = Array.from({ length: count }, (_, i) => `vsw-test-${digest('vsw').slice(0, 12)}-${i}`);
      values = {
        VPC_ID: id,
        VPC_CIDR: text(p.cidr, '10.0.0.0/16'),
        VSWITCH_ID: vswitches[0]!,
        VSWITCH_IDS: vswitches.join(','),
      };
      break;
    }
    default:
      throw new Error(`the test provider does not provision ${request.type}`);
  }
  const outputs: Record<string, string> = {};
  const secretOutputs: Record<string, string> = {};
  for (const spec of BUILTIN_TYPES.connectionKeys(request.type)) {
    const value = values[spec.name];
    if (value === undefined) continue;
    (spec.sensitive ? secretOutputs : outputs)[spec.name] = value;
  }
  return { externalIds: { id }, outputs, secretOutputs };
}

export function testResourceId(request: Pick<ResourceRequest, 'type' | 'idempotencyKey'>): string {
  const prefix = { rds: 'rm-test', oss: 'oss-test', slb: 'lb-test', vpc: 'vpc-test' }[request.type];
  return `${prefix}-${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 16)}`;
}
