import { describe, expect, it } from 'vitest';
import { programInput, runProgram } from './testing/program-harness';
import { vpcProgram } from './vpc.program';

const TAGS = { 'berth:environment': 'prod', 'berth:application': 'shop', 'berth:component': 'net' };

describe('vpc program', () => {
  it('creates the network with the requested CIDR, a switch per vSwitch and a security group, all through the explicit provider', async () => {
    const run = await runProgram(
      vpcProgram,
      programInput({
        type: 'vpc',
        properties: {
          cidr: '10.20.0.0/16',
          vswitches: [{ zone: 'cn-hangzhou-k', cidr: '10.20.1.0/24' }, { cidr: '10.20.2.0/24' }],
        },
      }),
    );
    const network = run.one('alicloud:vpc/network:Network');
    expect(network.inputs).toMatchObject({ cidrBlock: '10.20.0.0/16', vpcName: 'berth-prod-shop-net', tags: TAGS });

    const switches = run.byType('alicloud:vpc/switch:Switch');
    expect(switches.map((s) => s.inputs.vpcId)).toEqual([network.id, network.id]);
    expect(switches.map((s) => s.inputs.cidrBlock)).toEqual(['10.20.1.0/24', '10.20.2.0/24']);
    // Given zone kept; missing zone = first zone that getZones reports able to create a VSwitch.
    expect(switches.map((s) => s.inputs.zoneId)).toEqual(['cn-hangzhou-k', 'cn-hangzhou-h']);
    expect(switches.map((s) => s.inputs.vswitchName)).toEqual(['berth-prod-shop-net-0', 'berth-prod-shop-net-1']);
    const zoneCall = run.calls.find((c) => c.token === 'alicloud:index/getZones:getZones');
    expect(zoneCall?.inputs).toMatchObject({ availableResourceCreation: 'VSwitch' });
    expect(zoneCall?.provider).toMatch(/pulumi:providers:alicloud::alicloud::/);

    const sg = run.one('alicloud:ecs/securityGroup:SecurityGroup');
    expect(sg.inputs).toMatchObject({ vpcId: network.id, tags: TAGS });

    for (const r of run.resources.filter((r) => !r.type.startsWith('pulumi:providers:'))) {
      expect(r.provider, r.type).toMatch(new RegExp(`pulumi:providers:alicloud::alicloud::${run.providerRef()}$`));
      expect(r.inputs.tags, r.type).toEqual(TAGS);
    }
    expect(run.connection).toEqual({
      VPC_ID: network.id,
      VPC_CIDR: '10.20.0.0/16',
      VSWITCH_ID: switches[0]!.id,
      VSWITCH_IDS: `${switches[0]!.id},${switches[1]!.id}`,
    });
    expect(run.secretKeys).toEqual([]);
    expect(run.externalIds.securityGroupId).toBe(sg.id);
  });

  it('asks for no zone when every vSwitch names one, and defaults to one vSwitch spanning the CIDR', async () => {
    const given = await runProgram(
      vpcProgram,
      programInput({
        type: 'vpc',
        properties: { cidr: '10.1.0.0/16', vswitches: [{ zone: 'z1', cidr: '10.1.0.0/24' }] },
      }),
    );
    expect(given.calls).toEqual([]);
    const defaulted = await runProgram(vpcProgram, programInput({ type: 'vpc', properties: { cidr: '10.1.0.0/16' } }));
    expect(defaulted.byType('alicloud:vpc/switch:Switch').map((s) => [s.inputs.cidrBlock, s.inputs.zoneId])).toEqual([
      ['10.1.0.0/16', 'cn-hangzhou-h'],
    ]);
  });

  it('names resources the same way on every run (a retry never creates a second network)', async () => {
    const input = programInput({ type: 'vpc', properties: { cidr: '10.1.0.0/16' } });
    const a = await runProgram(vpcProgram, input);
    const b = await runProgram(vpcProgram, input);
    const names = (run: typeof a) =>
      run.resources.map((r) => [
        r.type,
        r.name,
        r.inputs.vpcName ?? r.inputs.vswitchName ?? r.inputs.securityGroupName,
      ]);
    expect(names(b)).toEqual(names(a));
  });
});
