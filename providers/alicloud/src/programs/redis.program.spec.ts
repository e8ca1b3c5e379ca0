import * as pulumi from '@pulumi/pulumi';
import type { CloudComponentType } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { NETWORK_DEPENDENCY, programInput, runProgram } from './testing/program-harness';
import { redisProgram } from './redis.program';

/** Pulumi's wire signature of a secret value. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const PASSWORD = 'R3dis!pw#42';
const TAGS = { 'berth:environment': 'prod', 'berth:application': 'shop', 'berth:component': 'cache' };
const INSTANCE = 'alicloud:kvstore/instance:Instance';
const ACCOUNT = 'alicloud:kvstore/account:Account';

function redisInput(properties: Record<string, unknown>, extra: { settings?: Record<string, unknown> } = {}) {
  const base = programInput({ type: 'redis' as unknown as CloudComponentType, component: 'cache' });
  return {
    ...base,
    profile: { ...base.profile, settings: { ...base.profile.settings, ...extra.settings } },
    properties: { instanceClass: 'redis.master.small.default', network: 'net', ...properties },
    dependencies: NETWORK_DEPENDENCY,
    secrets: { password: pulumi.secret(PASSWORD) },
  };
}

describe('redis program', () => {
  it("puts the instance in the network's vSwitch, allows only the network's CIDR, and requires authentication", async () => {
    const run = await runProgram(redisProgram, redisInput({}));
    expect(run.one(INSTANCE).inputs).toMatchObject({
      instanceType: 'Redis',
      engineVersion: '5.0',
      instanceClass: 'redis.master.small.default',
      dbInstanceName: 'berth-prod-shop-cache',
      paymentType: 'PostPaid',
      vswitchId: 'vsw-1',
      securityIps: ['10.20.0.0/16'],
      securityGroupId: 'sg-123',
      vpcAuthMode: 'Open',
      instanceReleaseProtection: false,
      tags: TAGS,
    });
    for (const r of run.resources.filter((r) => !r.type.startsWith('pulumi:providers:'))) {
      expect(r.provider, r.type).toMatch(new RegExp(`::${run.providerRef()}$`));
    }
  });

  it("gives the component a read-write account whose password is Berth's, as a Pulumi secret", async () => {
    const run = await runProgram(redisProgram, redisInput({}));
    const account = run.one(ACCOUNT);
    expect(account.inputs).toMatchObject({
      instanceId: run.one(INSTANCE).id,
      accountName: 'cache',
      accountPrivilege: 'RoleReadWrite',
      accountType: 'Normal',
    });
    expect(account.inputs.accountPassword).toEqual({
      [SECRET_SIG]: '1b47061264138c4ac30d75fd1eb44270',
      value: PASSWORD,
    });
    // The instance's own (default) account gets no password: clients use the component's account.
    expect(run.one(INSTANCE).inputs.password).toBeUndefined();
  });

  it('publishes every connection key, the password and URL as secrets', async () => {
    const run = await runProgram(redisProgram, redisInput({}));
    const host = 'r-instance.redis.rds.aliyuncs.com';
    expect(run.connection).toEqual({
      REDIS_CONNECT_ADDRESS: `${host}:6379`,
      REDIS_NAME: 'berth-prod-shop-cache',
      REDIS_USER: 'cache',
      REDIS_PASSWORD: PASSWORD,
      REDIS_HOST: host,
      REDIS_PORT: '6379',
      REDIS_KEY_PREFIX: 'prod.shop.cache:',
      REDIS_URL: `redis://cache:${encodeURIComponent(PASSWORD)}@${host}:6379`,
    });
    expect(run.secretKeys.sort()).toEqual(['REDIS_PASSWORD', 'REDIS_URL']);
    expect(run.externalIds).toEqual({ instanceId: run.one(INSTANCE).id, accountId: run.one(ACCOUNT).id });
  });

  it('takes instanceName, engineVersion, vswitchId, securityIps and deletion protection as given', async () => {
    const run = await runProgram(
      redisProgram,
      redisInput(
        {
          instanceName: 'orders-cache',
          engineVersion: '7.0',
          vswitchId: 'vsw-2',
          securityIps: '10.20.3.0/24, 192.168.1.5',
        },
        { settings: { deletionProtection: true } },
      ),
    );
    expect(run.one(INSTANCE).inputs).toMatchObject({
      dbInstanceName: 'orders-cache',
      engineVersion: '7.0',
      vswitchId: 'vsw-2',
      securityIps: ['10.20.3.0/24', '192.168.1.5'],
      instanceReleaseProtection: true,
    });
    expect(run.connection.REDIS_NAME).toBe('orders-cache');
  });

  it('works in a vSwitch without a network component when securityIps are given', async () => {
    const run = await runProgram(redisProgram, {
      ...redisInput({ network: undefined, vswitchId: 'vsw-9', securityIps: ['10.9.0.0/24'] }),
      dependencies: {},
    });
    expect(run.one(INSTANCE).inputs).toMatchObject({ vswitchId: 'vsw-9', securityIps: ['10.9.0.0/24'] });
    expect(run.one(INSTANCE).inputs.securityGroupId).toBeUndefined();
  });

  it('creates one account per accounts[] entry, each password a secret', async () => {
    const run = await runProgram(
      redisProgram,
      redisInput({
        accounts: [
          { name: 'reader', password: 'Reader#pw1', privilege: 'RoleReadOnly' },
          { name: 'writer', password: 'Writer#pw1' },
        ],
      }),
    );
    const accounts = run.byType(ACCOUNT).map((a) => a.inputs);
    expect(accounts).toHaveLength(3);
    expect(accounts.find((a) => a.accountName === 'reader')).toMatchObject({
      accountPrivilege: 'RoleReadOnly',
      accountPassword: { [SECRET_SIG]: '1b47061264138c4ac30d75fd1eb44270', value: 'Reader#pw1' },
    });
    expect(accounts.find((a) => a.accountName === 'writer')).toMatchObject({ accountPrivilege: 'RoleReadWrite' });
  });

  it('never opens Redis to the whole internet, and refuses what it cannot build, naming the property', async () => {
    for (const securityIps of [['0.0.0.0/0'], '10.0.0.0/8,0.0.0.0', ['0.0.0.0']]) {
      await expect(runProgram(redisProgram, redisInput({ securityIps }))).rejects.toMatchObject({
        code: 'InvalidRequest',
      });
    }
    await expect(runProgram(redisProgram, { ...redisInput({ network: undefined }), dependencies: {} })).rejects.toThrow(
      /names no network .*set vswitch_id/,
    );
    await expect(
      runProgram(redisProgram, { ...redisInput({ network: undefined, vswitchId: 'vsw-9' }), dependencies: {} }),
    ).rejects.toThrow(/securityIps is required/);
    await expect(runProgram(redisProgram, { ...redisInput({}), secrets: {} })).rejects.toThrow(/no password/);
    await expect(runProgram(redisProgram, redisInput({ instanceClass: undefined }))).rejects.toThrow(
      /instanceClass is required/,
    );
    await expect(runProgram(redisProgram, redisInput({ accounts: [{ name: 'reader' }] }))).rejects.toThrow(
      /accounts\/0\/password/,
    );
    await expect(
      runProgram(redisProgram, redisInput({ accounts: [{ name: 'cache', password: 'x' }] })),
    ).rejects.toThrow(/accounts\/0\/name/);
    await expect(
      runProgram(redisProgram, redisInput({ accounts: [{ name: 'r', password: 'x', privilege: 'RoleRepl' }] })),
    ).rejects.toThrow(/accounts\/0\/privilege/);
  });
});
