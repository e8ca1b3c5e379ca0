import { describe, expect, it } from 'vitest';
import { AlicloudResourceProvider } from '../alicloud-resource.provider';

describe('what each type needs on Alibaba Cloud, checked at PUT', () => {
  const provider = new AlicloudResourceProvider({ env: {} });

  it('serves the types of its program registry, redis among them', () => {
    expect([...provider.types].sort()).toEqual(['oss', 'rds', 'redis', 'slb', 'vpc']);
  });

  it('wants a redis placed in a network, with an instance class, never open to the internet', () => {
    expect(provider.validateComponent('redis', { securityIps: ['10.0.0.0/8', '0.0.0.0/0'] })).toEqual([
      { path: '', message: expect.stringContaining('names no network') },
      { path: '/instanceClass', message: 'instanceClass is required on Alibaba Cloud' },
      { path: '/securityIps/1', message: 'the allow-list must not open Redis to the whole internet' },
    ]);
    expect(
      provider.validateComponent('redis', { network: 'net', instanceClass: 'redis.master.small.default' }),
    ).toEqual([]);
  });

  it('keeps the rds checks as they were', () => {
    const problems = provider.validateComponent('rds', { securityIps: '0.0.0.0/0' }).map((p) => p.path);
    expect(problems).toEqual(['', '/securityIps/0', '/engineVersion', '/instanceClass']);
  });

  describe("a component naming no network goes into the profile's default network", () => {
    const rds = { engineVersion: '8.0', instanceClass: 'rds.mysql.c1.large' };
    const profile = (settings: Record<string, unknown>) => ({
      kind: 'alicloud',
      settings: { region: 'cn-hangzhou', ...settings },
    });

    it('without a default: one problem at the component naming vswitch_id, for rds, redis and an intranet slb', () => {
      for (const [type, properties] of [
        ['rds', rds],
        ['redis', { instanceClass: 'redis.master.small.default' }],
        ['slb', { addressType: 'intranet' }],
      ] as const) {
        const problems = provider.validateComponent(type, { ...properties }, profile({}));
        expect(problems, type).toEqual([{ path: '', message: expect.stringContaining('set vswitch_id (vswitchId)') }]);
        expect(problems[0]!.message).toContain('defaultNetwork / defaultVswitch');
      }
      // An internet load balancer is placed in no vSwitch.
      expect(provider.validateComponent('slb', { addressType: 'internet' }, profile({}))).toEqual([]);
    });

    it('with defaultNetwork: accepted, its CIDR the allow-list; with defaultVswitch alone, securityIps is needed', () => {
      const network = { defaultNetwork: { vswitchId: 'vsw-abcd1234', vpcId: 'vpc-abcd1234', cidr: '10.8.0.0/16' } };
      expect(provider.validateComponent('rds', { ...rds }, profile(network))).toEqual([]);
      const vswitch = profile({ defaultVswitch: 'vsw-abcd1234' });
      expect(provider.validateComponent('rds', { ...rds }, vswitch)).toEqual([
        {
          path: '',
          message: expect.stringContaining(
            "securityIps (security_ips) is required: the rds is placed by the profile's defaultVswitch",
          ),
        },
      ]);
      expect(provider.validateComponent('rds', { ...rds, securityIps: ['10.8.1.0/24'] }, vswitch)).toEqual([]);
      expect(provider.validateComponent('slb', {}, vswitch)).toEqual([]);
      // The component's own vswitch id: its CIDR is unknown too.
      expect(provider.validateComponent('rds', { ...rds, vswitchId: 'vsw-own12345' }, profile(network))).toEqual([
        { path: '', message: expect.stringContaining('placed by vswitch_id') },
      ]);
    });

    it('validates the settings themselves', () => {
      expect(
        provider.validateProfile(profile({ defaultNetwork: { vswitchId: 'sw-1', extra: 1 }, defaultVswitch: 'x' })),
      ).toEqual([
        { path: '/defaultVswitch', message: 'give either defaultNetwork or defaultVswitch, not both' },
        { path: '/defaultVswitch', message: 'defaultVswitch must be a vSwitch id (vsw-…)' },
        { path: '/defaultNetwork/vswitchId', message: 'vswitchId is required: a vSwitch id (vsw-…)' },
        { path: '/defaultNetwork/cidr', message: expect.stringContaining('cidr is required') },
        { path: '/defaultNetwork/extra', message: 'unknown defaultNetwork setting "extra"' },
      ]);
    });
  });
});
