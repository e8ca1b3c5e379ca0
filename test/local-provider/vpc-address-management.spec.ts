import { ProviderError, ProviderErrorCode } from '@berth/core';
import { cidrOverlaps as overlaps, parseCidr } from '@berth/core';
import { LocalResourceProvider } from '@berth/provider-local';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLog, request, tempDataDir } from './local-request.fixture';

describe('local provider: vpc address management', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let provider: LocalResourceProvider;
  const log = new RecordingLog();

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDataDir());
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
  });
  afterEach(async () => {
    await provider.close();
    await cleanup();
  });

  it('allocates 50 networks concurrently from the pool without any overlap, and keeps them across a restart', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => provider.apply(request({ type: 'vpc', component: `net-${i}` }), log)),
    );
    const cidrs = results.map((r) => r.outputs.VPC_CIDR);
    expect(new Set(cidrs).size).toBe(50);
    for (let i = 0; i < cidrs.length; i++) {
      const a = parseCidr(cidrs[i]);
      expect(a.prefix).toBe(22);
      expect(overlaps(parseCidr('10.0.0.0/8'), a)).toBe(true);
      for (let j = i + 1; j < cidrs.length; j++) expect(overlaps(a, parseCidr(cidrs[j]))).toBe(false);
    }
    // Every vSwitch lies inside its VPC.
    for (const r of results) {
      expect(r.outputs.VSWITCH_ID).toBeTruthy();
      expect(r.outputs.VSWITCH_IDS.split(',')).toContain(r.outputs.VSWITCH_ID);
    }

    await provider.close();
    provider = new LocalResourceProvider({ dataDir: dir });
    await provider.start();
    const again = await provider.apply(request({ type: 'vpc', component: 'net-7' }), log);
    expect(again.outputs).toEqual(results[7].outputs);
    const fresh = await provider.apply(request({ type: 'vpc', component: 'net-new' }), log);
    expect(cidrs.some((c) => overlaps(parseCidr(c), parseCidr(fresh.outputs.VPC_CIDR)))).toBe(false);
  });

  it('honours a requested CIDR when free and refuses an overlapping one with InvalidRequest', async () => {
    const a = await provider.apply(
      request({ type: 'vpc', component: 'a', properties: { cidr: '172.16.0.0/12' } }),
      log,
    );
    expect(a.outputs.VPC_CIDR).toBe('172.16.0.0/12');
    const clash = provider.apply(request({ type: 'vpc', component: 'b', properties: { cidr: '172.20.0.0/16' } }), log);
    await expect(clash).rejects.toBeInstanceOf(ProviderError);
    await expect(clash).rejects.toMatchObject({
      code: ProviderErrorCode.InvalidRequest,
      message: expect.stringContaining('overlaps 172.16.0.0/12'),
    });
    // Another environment has its own pool.
    const other = await provider.apply(
      request({ type: 'vpc', component: 'b', environment: 'prod', properties: { cidr: '172.20.0.0/16' } }),
      log,
    );
    expect(other.outputs.VPC_CIDR).toBe('172.20.0.0/16');
  });

  it('places explicit and allocated vSwitches inside the VPC without overlap', async () => {
    const r = await provider.apply(
      request({
        type: 'vpc',
        component: 'net',
        properties: {
          cidr: '192.168.0.0/16',
          vswitches: [{ zone: 'a' }, { zone: 'b', cidr: '192.168.0.0/24' }, { zone: 'c' }],
        },
      }),
      log,
    );
    const ids = r.outputs.VSWITCH_IDS.split(',');
    expect(ids).toHaveLength(3);
    const bad = provider.apply(
      request({
        type: 'vpc',
        component: 'net2',
        properties: { cidr: '10.9.0.0/16', vswitches: [{ cidr: '10.10.0.0/24' }] },
      }),
      log,
    );
    await expect(bad).rejects.toMatchObject({
      code: ProviderErrorCode.InvalidRequest,
      message: expect.stringContaining('not inside'),
    });
  });

  it('uses the profile pool, releases on destroy, and destroying twice succeeds', async () => {
    const settings = { ipPool: '10.200.0.0/16', ipPoolPrefix: 24 };
    expect(provider.validateProfile({ kind: 'local', settings })).toEqual([]);
    expect(provider.validateProfile({ kind: 'local', settings: { ipPool: '10.0.0.1/8' } })[0].path).toBe('/ipPool');
    const first = await provider.apply(request({ type: 'vpc', component: 'x', settings }), log);
    expect(first.outputs.VPC_CIDR).toBe('10.200.0.0/24');
    const second = await provider.apply(request({ type: 'vpc', component: 'y', settings }), log);
    expect(second.outputs.VPC_CIDR).toBe('10.200.1.0/24');
    await provider.destroy(request({ type: 'vpc', component: 'x', settings }), log);
    await provider.destroy(request({ type: 'vpc', component: 'x', settings }), log);
    expect((await provider.refresh(request({ type: 'vpc', component: 'x', settings }))).exists).toBe(false);
    const third = await provider.apply(request({ type: 'vpc', component: 'z', settings }), log);
    expect(third.outputs.VPC_CIDR).toBe('10.200.0.0/24');
  });

  it('applying twice yields one network with the same outputs', async () => {
    const one = await provider.apply(request({ type: 'vpc', component: 'n' }), log);
    const two = await provider.apply(request({ type: 'vpc', component: 'n' }), log);
    expect(two).toEqual(one);
    const plan = await provider.preview(request({ type: 'vpc', component: 'n' }));
    expect(plan.changes[0].action).toBe('same');
  });
});
