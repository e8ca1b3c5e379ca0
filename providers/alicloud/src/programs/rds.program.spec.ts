import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { NETWORK_DEPENDENCY, programInput, runProgram } from './testing/program-harness';
import { rdsProgram } from './rds.program';

/** Pulumi's wire signature of a secret value. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const PASSWORD = 'S3cret!pw#42';
const TAGS = { 'berth:environment': 'prod', 'berth:application': 'shop', 'berth:component': 'db' };

function rdsInput(properties: Record<string, unknown>, settings: Record<string, unknown> = {}) {
  const base = programInput({ type: 'rds' });
  return {
    ...base,
    profile: { ...base.profile, settings: { ...base.profile.settings, ...settings } },
    properties: {
      engine: 'mysql',
      engineVersion: '8.0',
      instanceClass: 'mysql.n2.small.1',
      storageGB: 20,
      network: 'net',
      ...properties,
    },
    dependencies: NETWORK_DEPENDENCY,
    secrets: { password: pulumi.secret(PASSWORD) },
  };
}

describe('rds program', () => {
  it('puts the instance in the network vSwitch, allows only the network CIDR, and wires database, account and privilege', async () => {
    const run = await runProgram(rdsProgram, rdsInput({ databaseName: 'orders', accountName: 'shop_app' }));
    const instance = run.one('alicloud:rds/instance:Instance');
    expect(instance.inputs).toMatchObject({
      engine: 'MySQL',
      engineVersion: '8.0',
      instanceType: 'mysql.n2.small.1',
      instanceStorage: 20,
      vswitchId: 'vsw-1',
      vpcId: 'vpc-123',
      securityIps: ['10.20.0.0/16'],
      securityGroupIds: ['sg-123'],
      deletionProtection: false,
      instanceName: 'berth-prod-shop-db',
      tags: TAGS,
    });
    expect(run.one('alicloud:rds/database:Database').inputs).toMatchObject({
      instanceId: instance.id,
      dataBaseName: 'orders',
    });
    const account = run.one('alicloud:rds/rdsAccount:RdsAccount');
    expect(account.inputs).toMatchObject({ dbInstanceId: instance.id, accountName: 'shop_app' });
    // The engine receives the password as a secret value (Pulumi's secret signature), so the state encrypts it.
    expect(account.inputs.accountPassword).toEqual({
      [SECRET_SIG]: '1b47061264138c4ac30d75fd1eb44270',
      value: PASSWORD,
    });
    expect(run.one('alicloud:rds/accountPrivilege:AccountPrivilege').inputs).toMatchObject({
      instanceId: instance.id,
      accountName: 'shop_app',
      dbNames: ['orders'],
      privilege: 'ReadWrite',
    });
    // No public endpoint unless asked.
    expect(run.byType('alicloud:rds/connection:Connection')).toEqual([]);
    expect(run.connection.DB_PUBLIC_HOST).toBeUndefined();
    for (const r of run.resources.filter((r) => !r.type.startsWith('pulumi:providers:'))) {
      expect(r.provider, r.type).toMatch(new RegExp(`::${run.providerRef()}$`));
    }
  });

  it('creates every database of `databases` with its character set, and grants the account on all of them', async () => {
    const run = await runProgram(
      rdsProgram,
      rdsInput({
        accountName: 'oamtest',
        databases: [
          { name: 'orders', characterSet: 'utf8mb4', description: 'orders of the shop' },
          { name: 'audit', characterSet: 'utf8' },
        ],
      }),
    );
    const instance = run.one('alicloud:rds/instance:Instance');
    const databases = run.byType('alicloud:rds/database:Database');
    expect(databases.map((d) => d.inputs)).toEqual([
      expect.objectContaining({
        instanceId: instance.id,
        dataBaseName: 'orders',
        characterSet: 'utf8mb4',
        description: 'orders of the shop',
      }),
      expect.objectContaining({ instanceId: instance.id, dataBaseName: 'audit', characterSet: 'utf8' }),
    ]);
    expect(run.one('alicloud:rds/accountPrivilege:AccountPrivilege').inputs).toMatchObject({
      accountName: 'oamtest',
      dbNames: ['orders', 'audit'],
      privilege: 'ReadWrite',
    });
    // The first database is the one the connection keys name.
    expect(run.connection).toMatchObject({ DATABASE_NAME: 'orders', DB_NAME: 'orders' });
    expect(run.connection.DB_URL).toMatch(/\/orders$/);
  });

  it('maps outputs to the rds connection keys, with the password and URL as Pulumi secrets', async () => {
    const run = await runProgram(rdsProgram, rdsInput({ databaseName: 'orders', accountName: 'shop_app' }));
    const instance = run.one('alicloud:rds/instance:Instance');
    expect(run.connection).toEqual({
      DB_HOST: 'rm-instance.mysql.rds.aliyuncs.com',
      DB_PORT: '3306',
      DB_USER: 'shop_app',
      DB_PASSWORD: PASSWORD,
      DATABASE_NAME: 'orders',
      DB_NAME: 'orders',
      DB_ID: instance.id,
      DB_URL: `mysql://shop_app:${encodeURIComponent(PASSWORD)}@rm-instance.mysql.rds.aliyuncs.com:3306/orders`,
    });
    expect(run.secretKeys.sort()).toEqual(['DB_PASSWORD', 'DB_URL']);
    expect(run.externalIds).toEqual({ instanceId: instance.id });
  });

  it('creates a public connection only when publicConnection is true', async () => {
    const run = await runProgram(rdsProgram, rdsInput({ publicConnection: true }));
    const conn = run.one('alicloud:rds/connection:Connection');
    expect(conn.inputs).toMatchObject({
      instanceId: run.one('alicloud:rds/instance:Instance').id,
      connectionPrefix: 'berth-prod-shop-db',
    });
    expect(run.connection.DB_PUBLIC_HOST).toBe('berth-prod-shop-db.mysql.rds.aliyuncs.com');
  });

  it('honours explicit securityIps and the profile deletion protection, and derives names for postgresql', async () => {
    const run = await runProgram(
      rdsProgram,
      rdsInput(
        { engine: 'postgresql', engineVersion: '16.0', securityIps: ['10.20.3.0/24', '192.168.1.5'] },
        { deletionProtection: true },
      ),
    );
    expect(run.one('alicloud:rds/instance:Instance').inputs).toMatchObject({
      engine: 'PostgreSQL',
      securityIps: ['10.20.3.0/24', '192.168.1.5'],
      deletionProtection: true,
    });
    expect(run.one('alicloud:rds/rdsAccount:RdsAccount').inputs.accountName).toBe('db');
    expect(run.one('alicloud:rds/accountPrivilege:AccountPrivilege').inputs.privilege).toBe('DBOwner');
    expect(run.connection.DB_URL).toMatch(/^postgresql:\/\/db:.*:5432\/db$/);
  });

  it('refuses to open the database to the whole internet, and refuses to run without a network or a password', async () => {
    await expect(runProgram(rdsProgram, rdsInput({ securityIps: ['0.0.0.0/0'] }))).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
    await expect(
      runProgram(rdsProgram, { ...rdsInput({}), properties: { engineVersion: '8.0', instanceClass: 'x' } }),
    ).rejects.toThrow(/names no network .*set vswitch_id/);
    await expect(runProgram(rdsProgram, { ...rdsInput({}), secrets: {} })).rejects.toThrow(/no password/);
  });
});

describe("rds program: the profile's default network", () => {
  it("places an rds naming no network in the profile's defaultNetwork, its CIDR the allow-list", async () => {
    const base = rdsInput(
      { network: undefined },
      {
        defaultNetwork: { vswitchId: 'vsw-default1', vpcId: 'vpc-default1', cidr: '10.8.0.0/16' },
      },
    );
    const run = await runProgram(rdsProgram, { ...base, dependencies: {} });
    expect(run.one('alicloud:rds/instance:Instance').inputs).toMatchObject({
      vswitchId: 'vsw-default1',
      vpcId: 'vpc-default1',
      securityIps: ['10.8.0.0/16'],
    });
  });

  it('takes its own vswitchId (vswitch_id) with its securityIps', async () => {
    const base = rdsInput({ network: undefined, vswitchId: 'vsw-own12345', securityIps: ['10.9.1.0/24'] });
    const run = await runProgram(rdsProgram, { ...base, dependencies: {} });
    const inputs = run.one('alicloud:rds/instance:Instance').inputs;
    expect(inputs).toMatchObject({ vswitchId: 'vsw-own12345', securityIps: ['10.9.1.0/24'] });
    expect(inputs.vpcId).toBeUndefined();
  });
});
