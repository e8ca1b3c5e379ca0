import * as alicloud from '@pulumi/alicloud';
import { NAME_RULES } from '../naming/resource-names';
import { readAlicloudSettings } from '../profile/alicloud-profile';
import { createProgramContext, invalid, placement, str } from './program-context';
import type { ProgramInput, ProgramOutputs } from '@berth/pulumi';

export interface ListenerSpec {
  port: number;
  protocol: 'tcp' | 'udp' | 'http';
  backendPort: number;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'http']);

/** slb: an ApplicationLoadBalancer (intranet in the network's vSwitch, or internet) and one Listener per listener. */
export async function slbProgram(input: ProgramInput): Promise<ProgramOutputs> {
  const ctx = createProgramContext(input);
  const p = input.properties;
  const addressType = str(p, 'addressType') ?? 'intranet';
  if (addressType !== 'intranet' && addressType !== 'internet')
    throw invalid('addressType must be intranet or internet');
  // An internet load balancer needs no vSwitch; an intranet one is placed like every other component.
  const place = addressType === 'intranet' ? placement(input, 'intranet load balancer') : undefined;
  const listeners = readListeners(p.listeners);
  const settings = readAlicloudSettings(input.profile);

  const lb = new alicloud.slb.ApplicationLoadBalancer(
    'load-balancer',
    {
      loadBalancerName: ctx.name(NAME_RULES.slb),
      addressType,
      loadBalancerSpec: str(p, 'spec') ?? 'slb.s1.small',
      paymentType: 'PayAsYouGo',
      ...(place ? { vswitchId: place.vswitchId } : {}),
      ...(settings.deletionProtection === true ? { deleteProtection: 'on' } : {}),
      tags: ctx.tags,
    },
    ctx.opts,
  );
  for (const l of listeners) {
    new alicloud.slb.Listener(
      `listener-${l.protocol}-${l.port}`,
      {
        loadBalancerId: lb.id,
        frontendPort: l.port,
        backendPort: l.backendPort,
        protocol: l.protocol,
        bandwidth: -1,
        ...(l.protocol === 'http' ? { stickySession: 'off', healthCheck: 'on' } : {}),
        description: `berth ${input.component} ${l.protocol}/${l.port}`,
      },
      ctx.opts,
    );
  }
  return {
    connection: { SLB_ID: lb.id, slbId: lb.id, SLB_ADDRESS: lb.address },
    externalIds: { loadBalancerId: lb.id },
  };
}

export function readListeners(value: unknown): ListenerSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('listeners must be a list of {port, protocol, backendPort}');
  const seen = new Set<string>();
  return value.map((raw, i) => {
    const l = (raw ?? {}) as Record<string, unknown>;
    const port = Number(l.port);
    const protocol = String(l.protocol ?? 'tcp').toLowerCase();
    const backendPort = l.backendPort === undefined ? port : Number(l.backendPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`listeners[${i}].port must be 1..65535`);
    if (!Number.isInteger(backendPort) || backendPort < 1 || backendPort > 65535)
      throw invalid(`listeners[${i}].backendPort must be 1..65535`);
    if (!PROTOCOLS.has(protocol))
      throw invalid(`listeners[${i}].protocol must be tcp, udp or http (https needs a certificate, not supported yet)`);
    const key = `${protocol}-${port}`;
    if (seen.has(key)) throw invalid(`listeners[${i}] repeats ${protocol}/${port}`);
    seen.add(key);
    return { port, protocol: protocol as ListenerSpec['protocol'], backendPort };
  });
}
