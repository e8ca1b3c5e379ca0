import type { ApplyResult, DriftReport, OperationLog, ResourcePlan, ResourceRequest } from '@berth/core';
import { invalid } from '../support/local-provider.error';
import { resourceId } from '../support/naming';
import type { StateStore } from '../state/state.store';
import type { LocalState, ResourceRecord } from '../state/local-state';
import { cidrOverlaps, cidrWithin, formatCidr, parseCidr, type Cidr } from '@berth/core';
import { allocate } from './cidr-allocation';
import { EnvironmentAddresses } from './environment-addresses';

export interface VSwitchRecord {
  id: string;
  zone: string;
  cidr: string;
}

export interface VpcData {
  /** Pool scope: allocations never overlap within one environment's pool. */
  pool: string;
  cidr: string;
  /** Whether the CIDR was asked for (kept when the property is later removed) or allocated. */
  requested: boolean;
  vswitches: VSwitchRecord[];
}

export interface PoolSettings {
  cidr: string;
  prefix: number;
}

interface VSwitchSpec {
  zone?: string;
  cidr?: string;
}

/**
 * Address management for `vpc`: a CIDR from the environment's pool without overlap, vSwitch sub-CIDRs inside it.
 * Nothing is routed: these are reservations that other components (rds allow-lists) and the user can rely on.
 */
export class VpcResource {
  constructor(
    private readonly store: StateStore<LocalState>,
    private readonly pool: (request: ResourceRequest) => PoolSettings,
  ) {}

  /** The addresses held in each pool scope, indexed once from the stored records on first use. */
  private readonly addresses = new Map<string, EnvironmentAddresses>();

  private addressesOf(scope: string, pool: Cidr, state: LocalState): EnvironmentAddresses {
    let addresses = this.addresses.get(scope);
    if (!addresses) {
      addresses = new EnvironmentAddresses(pool);
      for (const r of Object.values(state.resources) as Array<ResourceRecord<VpcData>>) {
        if (r.type === 'vpc' && r.data.pool === scope)
          addresses.reserve(parseCidr(r.data.cidr), `${r.application}/${r.component}`);
      }
      this.addresses.set(scope, addresses);
    }
    return addresses;
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const id = resourceId('vpc', request.idempotencyKey);
    const pool = this.pool(request);
    const poolCidr = parseCidr(pool.cidr);
    const scope = `${request.environment}|${pool.cidr}`;
    const requestedCidr = stringProperty(request.properties.cidr);
    const vswitchSpecs = vswitchList(request.properties.vswitches);

    let held: Cidr | undefined;
    let addresses: EnvironmentAddresses | undefined;
    const holder = `${request.application}/${request.component}`;
    const update = this.store.update((state) => {
      const existing = state.resources[id] as ResourceRecord<VpcData> | undefined;
      addresses = this.addressesOf(scope, poolCidr, state);

      let cidr: Cidr;
      if (existing) {
        cidr = parseCidr(existing.data.cidr);
        if (requestedCidr && formatCidr(parseRequested(requestedCidr)) !== existing.data.cidr) {
          throw invalid(
            `cidr: the VPC already has ${existing.data.cidr}; changing it to ${requestedCidr} needs the component deleted and re-created`,
          );
        }
      } else if (requestedCidr) {
        cidr = parseRequested(requestedCidr);
        const clash = addresses.reserve(cidr, holder);
        if (clash) {
          throw invalid(
            `cidr: ${requestedCidr} overlaps ${formatCidr(clash.clash)} already allocated to ${clash.holder} in environment ${request.environment}`,
          );
        }
        held = cidr;
      } else {
        const found = addresses.allocate(pool.prefix, holder);
        if (!found)
          throw invalid(
            `the address pool ${pool.cidr} of environment ${request.environment} has no free /${pool.prefix} left`,
          );
        cidr = found;
        held = cidr;
      }

      const vswitches = planVSwitches(id, cidr, vswitchSpecs, existing?.data.vswitches ?? []);
      const now = new Date().toISOString();
      const next: ResourceRecord<VpcData> = {
        id,
        type: 'vpc',
        idempotencyKey: request.idempotencyKey,
        environment: request.environment,
        application: request.application,
        component: request.component,
        outputs: {},
        data: {
          pool: scope,
          cidr: formatCidr(cidr),
          requested: existing?.data.requested ?? Boolean(requestedCidr),
          vswitches,
        },
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      next.outputs = vpcOutputs(next);
      state.resources[id] = next as unknown as ResourceRecord;
      return next;
    });
    // A block held for a change that is not stored (bad vSwitches, a failed write) goes back to the pool.
    const record = await update.catch((error: unknown) => {
      if (held && addresses) addresses.release(held);
      throw error;
    });
    log.log('info', `vpc ${id} holds ${record.data.cidr} with ${record.data.vswitches.length} vSwitch(es)`);
    return { externalIds: { vpcId: id }, outputs: record.outputs, secretOutputs: {} };
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    const id = resourceId('vpc', request.idempotencyKey);
    const removed = await this.store.update((state) => {
      const had = state.resources[id] as ResourceRecord<VpcData> | undefined;
      if (had) this.addresses.get(had.data.pool)?.release(parseCidr(had.data.cidr));
      delete state.resources[id];
      return Boolean(had);
    });
    log.log('info', removed ? `vpc ${id} released` : `vpc ${id} was already gone`);
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    const id = resourceId('vpc', request.idempotencyKey);
    const record = (await this.store.read()).resources[id];
    if (!record) return { drifted: true, exists: false, differences: [{ field: 'VPC_ID', expected: id }] };
    return { drifted: false, exists: true, differences: [] };
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const id = resourceId('vpc', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<VpcData> | undefined;
    const requestedCidr = stringProperty(request.properties.cidr);
    if (!record)
      return {
        exact: true,
        changes: [
          { action: 'create', resource: id, detail: requestedCidr ? `cidr ${requestedCidr}` : 'cidr from the pool' },
        ],
      };
    if (requestedCidr && requestedCidr !== record.data.cidr) {
      return {
        exact: true,
        changes: [{ action: 'replace', resource: id, detail: `cidr ${record.data.cidr} → ${requestedCidr}` }],
      };
    }
    const wanted = vswitchList(request.properties.vswitches);
    const same =
      wanted.length === 0 ? record.data.vswitches.length === 1 : wanted.length === record.data.vswitches.length;
    return { exact: true, changes: [{ action: same ? 'same' : 'update', resource: id }] };
  }
}

export function vpcOutputs(record: ResourceRecord<VpcData>): Record<string, string> {
  return {
    VPC_ID: record.id,
    VPC_CIDR: record.data.cidr,
    VSWITCH_ID: record.data.vswitches[0]?.id ?? '',
    VSWITCH_IDS: record.data.vswitches.map((v) => v.id).join(','),
  };
}

function parseRequested(text: string): Cidr {
  try {
    return parseCidr(text);
  } catch (error) {
    throw invalid(`cidr: ${(error as Error).message}`);
  }
}

/** vSwitches inside the VPC: given CIDRs are checked, missing ones allocated (/24 in a /16 to /22, 8 bits below a larger VPC). */
function planVSwitches(vpcId: string, vpc: Cidr, specs: VSwitchSpec[], previous: VSwitchRecord[]): VSwitchRecord[] {
  const wanted = specs.length > 0 ? specs : [{ zone: 'local-a' }];
  const result: VSwitchRecord[] = [];
  const taken: Cidr[] = [];
  // First the explicit ones, so that allocation works around them.
  wanted.forEach((spec, index) => {
    if (!spec.cidr) return;
    let cidr: Cidr;
    try {
      cidr = parseCidr(spec.cidr);
    } catch (error) {
      throw invalid(`vswitches/${index}/cidr: ${(error as Error).message}`);
    }
    if (!cidrWithin(vpc, cidr))
      throw invalid(`vswitches/${index}/cidr: ${spec.cidr} is not inside the VPC's ${formatCidr(vpc)}`);
    const clash = taken.find((t) => cidrOverlaps(t, cidr));
    if (clash) throw invalid(`vswitches/${index}/cidr: ${spec.cidr} overlaps another vSwitch (${formatCidr(clash)})`);
    taken.push(cidr);
  });
  // /24s in a /16 or a /22; 8 bits below a larger VPC; at most /29.
  const subPrefix = Math.min(vpc.prefix + 8, Math.max(vpc.prefix + 2, 24), 29);
  wanted.forEach((spec, index) => {
    const zone = spec.zone ?? 'local-a';
    let cidr: Cidr;
    if (spec.cidr) {
      cidr = parseCidr(spec.cidr);
    } else {
      // Keep what an earlier apply allocated for this position when it still fits.
      const earlier = previous[index];
      const kept =
        earlier && !taken.some((t) => cidrOverlaps(t, parseCidr(earlier.cidr))) ? parseCidr(earlier.cidr) : undefined;
      const found = kept && cidrWithin(vpc, kept) ? kept : allocate(vpc, subPrefix, taken);
      if (!found) throw invalid(`vswitches/${index}: no free /${subPrefix} left inside ${formatCidr(vpc)}`);
      cidr = found;
      taken.push(cidr);
    }
    result.push({ id: `${vpcId.replace(/^vpc-/, 'vsw-')}-${index}`, zone, cidr: formatCidr(cidr) });
  });
  return result;
}

function vswitchList(value: unknown): VSwitchSpec[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => {
    const o = (v ?? {}) as Record<string, unknown>;
    return { zone: stringProperty(o.zone ?? o.zoneId), cidr: stringProperty(o.cidr ?? o.cidrBlock) };
  });
}

function stringProperty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
