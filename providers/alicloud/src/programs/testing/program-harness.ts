import * as pulumi from '@pulumi/pulumi';
import type { ProviderProfile } from '@berth/core';
import { EXTERNAL_IDS_OUTPUT, type Program, type ProgramInput } from '@berth/pulumi';
import { runUnderMocks, type MockedCall, type MockedResource } from '@berth/pulumi/testing';

/** One resource the program registered with the (mocked) Pulumi engine. */
export type RegisteredResource = MockedResource;

export interface ProgramRun {
  resources: RegisteredResource[];
  calls: MockedCall[];
  connection: Record<string, string>;
  /** Which connection outputs are Pulumi secrets. */
  secretKeys: string[];
  externalIds: Record<string, string>;
  byType(type: string): RegisteredResource[];
  one(type: string): RegisteredResource;
  /** The id of our explicit provider (resources reference it as `<urn>::<id>`). */
  providerRef(): string;
}

/** Values the mocked engine reports for outputs the cloud would compute. */
function computed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'alicloud:rds/instance:Instance':
      return {
        connectionString: `rm-${name}.mysql.rds.aliyuncs.com`,
        port: inputs.engine === 'PostgreSQL' ? '5432' : '3306',
      };
    case 'alicloud:rds/connection:Connection':
      return { connectionString: `${String(inputs.connectionPrefix)}.mysql.rds.aliyuncs.com`, port: '3306' };
    case 'alicloud:oss/bucket:Bucket':
      return {
        extranetEndpoint: 'oss-cn-hangzhou.aliyuncs.com',
        intranetEndpoint: 'oss-cn-hangzhou-internal.aliyuncs.com',
      };
    case 'alicloud:ram/accessKey:AccessKey':
      return { secret: `mock-secret-of-${name}` };
    case 'alicloud:kvstore/instance:Instance':
      return { connectionDomain: `r-${name}.redis.rds.aliyuncs.com`, privateConnectionPort: '6379' };
    case 'alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer':
      return { address: inputs.addressType === 'internet' ? '47.0.0.10' : '10.0.0.10' };
    default:
      return {};
  }
}

/** Runs an alicloud program against Pulumi's own mocks and records the resource graph it registers. */
export async function runProgram(
  program: Program,
  input: ProgramInput,
  zones = ['cn-hangzhou-h', 'cn-hangzhou-i'],
): Promise<ProgramRun> {
  const { resources, calls, outputs } = await runUnderMocks(
    async () => {
      const out = await program(input);
      return { ...out.connection, [EXTERNAL_IDS_OUTPUT]: pulumi.all(out.externalIds) };
    },
    {
      stack: `${input.environment}.${input.application}.${input.component}`,
      computed,
      call: (token) =>
        token === 'alicloud:index/getZones:getZones'
          ? { id: 'zones', ids: zones, zones: zones.map((id) => ({ id })) }
          : {},
    },
  );
  const connection: Record<string, string> = {};
  const secretKeys: string[] = [];
  const externalIds: Record<string, string> = {};
  for (const [key, { value, secret }] of Object.entries(outputs)) {
    if (key === EXTERNAL_IDS_OUTPUT) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) externalIds[k] = String(v);
      continue;
    }
    connection[key] = String(value);
    if (secret) secretKeys.push(key);
  }
  const run: ProgramRun = {
    resources,
    calls,
    connection,
    secretKeys,
    externalIds,
    byType: (type) => resources.filter((r) => r.type === type),
    one: (type) => {
      const found = resources.filter((r) => r.type === type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0]!;
    },
    providerRef: () => {
      const p = resources.find((r) => r.type === 'pulumi:providers:alicloud');
      if (p === undefined) throw new Error('no explicit alicloud provider was registered');
      return p.id;
    },
  };
  return run;
}

export const ALICLOUD_PROFILE: ProviderProfile = {
  kind: 'alicloud',
  settings: { region: 'cn-hangzhou', credentials: { accessKeyIdEnv: 'TEST_AK', accessKeySecretEnv: 'TEST_SK' } },
};

export const TEST_ENV = { TEST_AK: 'LTAI-test-id', TEST_SK: 'test-secret-value' };

export function programInput(overrides: Partial<ProgramInput> & Pick<ProgramInput, 'type'>): ProgramInput {
  return {
    environment: 'prod',
    application: 'shop',
    component:
      overrides.type === 'vpc' ? 'net' : overrides.type === 'rds' ? 'db' : overrides.type === 'oss' ? 'files' : 'lb',
    profile: ALICLOUD_PROFILE,
    properties: {},
    dependencies: {},
    externalIds: {},
    idempotencyKey: 'prod/shop/component',
    secrets: {},
    env: TEST_ENV,
    ...overrides,
  };
}

export const NETWORK_DEPENDENCY = {
  net: {
    type: 'vpc' as const,
    externalIds: { vpcId: 'vpc-123', securityGroupId: 'sg-123' },
    outputs: { VPC_ID: 'vpc-123', VPC_CIDR: '10.20.0.0/16', VSWITCH_ID: 'vsw-1', VSWITCH_IDS: 'vsw-1,vsw-2' },
  },
};
