import { describe, expect, it } from 'vitest';
import { AlicloudResourceProvider } from '../alicloud-resource.provider';

/** The Alibaba zone-id format, checked by the alicloud/apsara provider when an application is validated. */
describe('alicloud validateComponent: zones must be Alibaba Cloud zone ids', () => {
  const provider = new AlicloudResourceProvider({ dataDir: '/nonexistent-berth-data-dir' });

  it('refuses a generic zone name in a vSwitch, naming the field; accepts zone ids of the region format', () => {
    const problems = provider.validateComponent('vpc', {
      cidr: '10.0.0.0/16',
      vswitches: [{ zone: 'cn-hangzhou-h' }, { zone: 'zone-a' }, { zone: 'ap-southeast-1a' }],
    });
    expect(problems).toEqual([
      { path: '/vswitches/1/zone', message: expect.stringContaining('"zone-a" is not an Alibaba Cloud zone id') },
    ]);
  });

  it("checks an slb's zone the same way, and says nothing when no zone is given", () => {
    expect(provider.validateComponent('slb', { addressType: 'internet', zone: '2' })).toEqual([
      { path: '/zone', message: expect.stringContaining('is not an Alibaba Cloud zone id') },
    ]);
    expect(provider.validateComponent('slb', { addressType: 'internet', zone: 'cn-hangzhou-k' })).toEqual([]);
    expect(provider.validateComponent('vpc', { cidr: '10.0.0.0/16', vswitches: [{ cidr: '10.0.1.0/24' }] })).toEqual(
      [],
    );
  });
});
