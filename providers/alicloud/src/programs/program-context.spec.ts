import { describe, expect, it } from 'vitest';
import { programInput, runProgram } from './testing/program-harness';
import { vpcProgram } from './vpc.program';

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

function parseMaybeJson(value: unknown): unknown {
  return typeof value === 'string' && /^([[{]|true$|false$)/.test(value) ? JSON.parse(value) : value;
}

describe('the explicit alicloud provider built from the profile', () => {
  it('alicloud: region and the credentials read from the env vars the profile names, as secrets', async () => {
    const run = await runProgram(vpcProgram, programInput({ type: 'vpc', properties: { cidr: '10.0.0.0/16' } }));
    const providers = run.byType('pulumi:providers:alicloud');
    expect(providers).toHaveLength(1);
    const inputs = providers[0]!.inputs;
    expect(inputs.region).toBe('cn-hangzhou');
    expect(inputs.accessKey).toEqual({ [SECRET_SIG]: '1b47061264138c4ac30d75fd1eb44270', value: 'LTAI-test-id' });
    expect(inputs.secretKey).toEqual({ [SECRET_SIG]: '1b47061264138c4ac30d75fd1eb44270', value: 'test-secret-value' });
    expect(inputs.endpoints).toBeUndefined();
    expect(inputs.skipRegionValidation).toBeUndefined();
  });

  it('apsara: sets the private endpoints, the protocol and skips public region validation', async () => {
    const run = await runProgram(
      vpcProgram,
      programInput({
        type: 'vpc',
        properties: {
          cidr: '10.0.0.0/16',
          vswitches: [{ zone: 'cn-qingdao-env66-amtest66001-a', cidr: '10.0.1.0/24' }],
        },
        profile: {
          kind: 'apsara',
          settings: {
            region: 'cn-qingdao-env66-d01',
            credentials: { file: '/etc/berth/aliyun.json', profile: 'private' },
            endpoints: { ecs: 'ecs.private.example', vpc: 'vpc.private.example' },
            protocol: 'HTTP',
          },
        },
      }),
    );
    const inputs = run.one('pulumi:providers:alicloud').inputs;
    expect(inputs.region).toBe('cn-qingdao-env66-d01');
    expect(parseMaybeJson(inputs.endpoints)).toEqual([{ ecs: 'ecs.private.example', vpc: 'vpc.private.example' }]);
    expect(inputs.protocol).toBe('HTTP');
    expect(parseMaybeJson(inputs.skipRegionValidation)).toBe(true);
    expect(inputs.sharedCredentialsFile).toBe('/etc/berth/aliyun.json');
    expect(inputs.profile).toBe('private');
    expect(inputs.accessKey).toBeUndefined();
    for (const r of run.resources.filter((r) => !r.type.startsWith('pulumi:providers:'))) {
      expect(r.provider).toMatch(new RegExp(`::${run.providerRef()}$`));
    }
  });

  it('assume-role is passed through, and a missing credential env var is an Unauthorized error naming it', async () => {
    const base = programInput({
      type: 'vpc',
      properties: { cidr: '10.0.0.0/16', vswitches: [{ zone: 'z', cidr: '10.0.0.0/24' }] },
    });
    const run = await runProgram(vpcProgram, {
      ...base,
      profile: {
        kind: 'alicloud',
        settings: { ...base.profile.settings, assumeRole: { roleArn: 'acs:ram::123456:role/berth' } },
      },
    });
    expect(parseMaybeJson(run.one('pulumi:providers:alicloud').inputs.assumeRole)).toEqual({
      roleArn: 'acs:ram::123456:role/berth',
      sessionName: 'berth',
    });
    await expect(runProgram(vpcProgram, { ...base, env: {} })).rejects.toMatchObject({
      code: 'Unauthorized',
      message: expect.stringContaining('TEST_AK'),
    });
  });
});
