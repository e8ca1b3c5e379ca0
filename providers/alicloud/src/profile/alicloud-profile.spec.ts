import { describe, expect, it } from 'vitest';
import { validateAlicloudProfile } from './alicloud-profile';

describe('alicloud / apsara profile validation', () => {
  it('accepts a region with credentials by reference, or a credentials file with assume-role', () => {
    expect(
      validateAlicloudProfile({
        kind: 'alicloud',
        settings: { region: 'cn-hangzhou', credentials: { accessKeyIdEnv: 'AK', accessKeySecretEnv: 'SK' } },
      }),
    ).toEqual([]);
    expect(
      validateAlicloudProfile({
        kind: 'alicloud',
        settings: {
          region: 'ap-southeast-1',
          credentials: { file: '/etc/aliyun.json', profile: 'prod' },
          assumeRole: { roleArn: 'acs:ram::1234567890:role/berth' },
          deletionProtection: true,
        },
      }),
    ).toEqual([]);
  });

  it('requires a well-formed region', () => {
    expect(validateAlicloudProfile({ kind: 'alicloud', settings: {} })).toEqual([
      { path: '/region', message: expect.stringContaining('required') },
    ]);
    expect(validateAlicloudProfile({ kind: 'alicloud', settings: { region: 'Hangzhou!' } })[0]).toMatchObject({
      path: '/region',
    });
  });

  it('takes a shorter deadline for every cloud type of the registry (redis too), and names the types otherwise', () => {
    const withTimeouts = (timeouts: unknown) =>
      validateAlicloudProfile({ kind: 'alicloud', settings: { region: 'cn-hangzhou', timeouts } as never });
    expect(withTimeouts({ rds: 1200, redis: 600 })).toEqual([]);
    expect(withTimeouts({ webservice: 60 })).toEqual([
      { path: '/timeouts/webservice', message: 'timeouts maps rds|oss|slb|vpc|redis to a positive number of seconds' },
    ]);
  });

  it('rejects literal access keys anywhere in the settings, pointing at env var names or a credentials file', () => {
    const problems = validateAlicloudProfile({
      kind: 'alicloud',
      settings: {
        region: 'cn-hangzhou',
        accessKey: 'x',
        credentials: { accessKeyId: 'y', accessKeySecretEnv: 'LTAI5tAbCdEfGhIjKlMn' },
      },
    });
    const paths = problems
      .filter((p) => /literal access keys/.test(p.message))
      .map((p) => p.path)
      .sort();
    expect(paths).toEqual(['/accessKey', '/credentials/accessKeyId', '/credentials/accessKeySecretEnv']);
    expect(problems[0]!.message).toMatch(/environment variables.*credentials file/);
  });

  it('apsara requires endpoints of known services; alicloud refuses them', () => {
    expect(validateAlicloudProfile({ kind: 'apsara', settings: { region: 'cn-qingdao-env66-d01' } })).toEqual([
      { path: '/endpoints', message: expect.stringContaining('needs endpoints') },
    ]);
    expect(
      validateAlicloudProfile({
        kind: 'apsara',
        settings: {
          region: 'cn-qingdao-env66-d01',
          endpoints: { ecs: 'ecs.internal', nosuch: 'x' },
          protocol: 'HTTP',
          skipRegionValidation: true,
        },
      }),
    ).toEqual([{ path: '/endpoints/nosuch', message: expect.stringContaining('unknown service') }]);
    expect(
      validateAlicloudProfile({ kind: 'alicloud', settings: { region: 'cn-hangzhou', endpoints: { ecs: 'e' } } }),
    ).toEqual([{ path: '/endpoints', message: expect.stringContaining('only for apsara') }]);
  });

  it('checks the backend URL, assume-role ARN and protocol', () => {
    const problems = validateAlicloudProfile({
      kind: 'alicloud',
      settings: { region: 'cn-hangzhou', backendUrl: 'http://x', assumeRole: { roleArn: 'berth' }, protocol: 'FTP' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['/assumeRole/roleArn', '/backendUrl', '/protocol']);
  });
});
