import { describe, expect, it } from 'vitest';
import { slbProgram } from './slb.program';
import { NETWORK_DEPENDENCY, programInput, runProgram } from './testing/program-harness';

describe('slb program', () => {
  it('puts an intranet load balancer in the network vSwitch, with one listener per listener', async () => {
    const run = await runProgram(
      slbProgram,
      programInput({
        type: 'slb',
        properties: {
          addressType: 'intranet',
          network: 'net',
          listeners: [
            { port: 80, protocol: 'http', backendPort: 8080 },
            { port: 443, protocol: 'tcp' },
          ],
        },
        dependencies: NETWORK_DEPENDENCY,
      }),
    );
    const lb = run.one('alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer');
    expect(lb.inputs).toMatchObject({
      addressType: 'intranet',
      vswitchId: 'vsw-1',
      loadBalancerName: 'berth-prod-shop-lb',
      tags: { 'berth:environment': 'prod', 'berth:application': 'shop', 'berth:component': 'lb' },
    });
    const listeners = run.byType('alicloud:slb/listener:Listener').sort((a, b) => a.name.localeCompare(b.name));
    expect(
      listeners.map((l) => [
        l.name,
        l.inputs.loadBalancerId,
        l.inputs.frontendPort,
        l.inputs.backendPort,
        l.inputs.protocol,
      ]),
    ).toEqual([
      ['listener-http-80', lb.id, 80, 8080, 'http'],
      ['listener-tcp-443', lb.id, 443, 443, 'tcp'],
    ]);
    for (const r of run.resources.filter((r) => !r.type.startsWith('pulumi:providers:'))) {
      expect(r.provider, r.type).toMatch(new RegExp(`::${run.providerRef()}$`));
    }
    expect(run.connection).toEqual({ SLB_ID: lb.id, slbId: lb.id, SLB_ADDRESS: '10.0.0.10' });
  });

  it('creates an internet load balancer outside any vSwitch, and refuses an intranet one without a network', async () => {
    const run = await runProgram(
      slbProgram,
      programInput({ type: 'slb', properties: { addressType: 'internet', listeners: [{ port: 80 }] } }),
    );
    const lb = run.one('alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer');
    expect(lb.inputs.addressType).toBe('internet');
    expect(lb.inputs.vswitchId).toBeUndefined();
    expect(run.connection.SLB_ADDRESS).toBe('47.0.0.10');
    await expect(
      runProgram(slbProgram, programInput({ type: 'slb', properties: { addressType: 'intranet' } })),
    ).rejects.toThrow(/names no network .*set vswitch_id/);
  });
});
