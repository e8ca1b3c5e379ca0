import { describe, expect, it } from 'vitest';
import { AlicloudResourceProvider } from '../alicloud-resource.provider';

describe('what each type needs on Alibaba Cloud, checked at PUT', () => {
  const provider = new AlicloudResourceProvider({ env: {} });

  it('serves the types of its program registry, redis among them', () => {
    expect([...provider.types].sort()).toEqual(['oss', 'rds', 'redis', 'slb', 'vpc']);
  });

  it('wants a redis placed in a network, with an instance class, never open to the internet', () => {
    expect(provider.validateComponent('redis', { securityIps: ['10.0.0.0/8', '0.0.0.0/0'] })).toEqual([
      {
        path: '/network',
        message: 'on Alibaba Cloud a redis component needs network (the name of a vpc component) or vswitchId',
      },
      { path: '/instanceClass', message: 'instanceClass is required on Alibaba Cloud' },
      { path: '/securityIps/1', message: 'the allow-list must not open Redis to the whole internet' },
    ]);
    expect(
      provider.validateComponent('redis', { network: 'net', instanceClass: 'redis.master.small.default' }),
    ).toEqual([]);
  });

  it('keeps the rds checks as they were', () => {
    const problems = provider.validateComponent('rds', { securityIps: '0.0.0.0/0' }).map((p) => p.path);
    expect(problems).toEqual(['/network', '/securityIps/0', '/engineVersion', '/instanceClass']);
  });
});
