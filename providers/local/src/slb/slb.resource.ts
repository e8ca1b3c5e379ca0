import type { ApplyResult, DriftReport, OperationLog, ResourcePlan, ResourceRequest } from '@berth/core';
import type { StateStore } from '../state/state.store';
import type { LocalState, ResourceRecord } from '../state/local-state';
import { invalid, toProviderError } from '../support/local-provider.error';
import { resourceId } from '../support/naming';
import { type Backend, TcpLoadBalancer } from './tcp-load-balancer';

export interface SlbListenerRecord {
  port: number;
  protocol: string;
  backendPort: number;
  /** Loopback port this listener got (kept across restarts when free). */
  localPort: number;
}

export interface SlbData {
  listeners: SlbListenerRecord[];
  backends: string[];
}

/** `slb`: one TcpLoadBalancer per component, on loopback ports. */
export class SlbResource {
  private readonly running = new Map<string, { balancer: TcpLoadBalancer; config: string }>();

  constructor(
    private readonly store: StateStore<LocalState>,
    private readonly host: string,
    private readonly healthCheckIntervalMs: number,
  ) {}

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const id = resourceId('slb', request.idempotencyKey);
    const wanted = parseSpec(request.properties);
    const state = await this.store.read();
    const existing = state.resources[id] as ResourceRecord<SlbData> | undefined;
    const listeners = wanted.listeners.map((l, i) => ({
      ...l,
      localPort: existing?.data.listeners[i]?.localPort ?? 0,
    }));
    const data: SlbData = { listeners, backends: wanted.backends };
    const ports = await this.ensureRunning(id, data);
    data.listeners = listeners.map((l, i) => ({ ...l, localPort: ports[i] }));
    const record = await this.store.update((draft) => {
      const now = new Date().toISOString();
      const next: ResourceRecord<SlbData> = {
        id,
        type: 'slb',
        idempotencyKey: request.idempotencyKey,
        environment: request.environment,
        application: request.application,
        component: request.component,
        outputs: {},
        data,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      next.outputs = this.outputs(next);
      draft.resources[id] = next as unknown as ResourceRecord;
      return next;
    });
    log.log('info', `slb ${id} listens on ${record.outputs.SLB_ADDRESS} for ${data.backends.length} backend(s)`);
    return { externalIds: { slbId: id }, outputs: record.outputs, secretOutputs: {} };
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    const id = resourceId('slb', request.idempotencyKey);
    await this.stop(id);
    const had = await this.store.update((draft) => {
      const found = Boolean(draft.resources[id]);
      delete draft.resources[id];
      return found;
    });
    log.log('info', had ? `slb ${id} removed` : `slb ${id} was already gone`);
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    const id = resourceId('slb', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<SlbData> | undefined;
    if (!record) return { drifted: true, exists: false, differences: [{ field: 'SLB_ID', expected: id }] };
    const live = this.running.get(id);
    if (!live)
      return {
        drifted: true,
        exists: true,
        differences: [{ field: 'SLB_ADDRESS', expected: record.outputs.SLB_ADDRESS, actual: undefined }],
      };
    const actual =
      live.balancer.boundPorts[0] !== undefined ? `${this.host}:${live.balancer.boundPorts[0]}` : this.host;
    if (actual !== record.outputs.SLB_ADDRESS) {
      return {
        drifted: true,
        exists: true,
        differences: [{ field: 'SLB_ADDRESS', expected: record.outputs.SLB_ADDRESS, actual }],
      };
    }
    return { drifted: false, exists: true, differences: [] };
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const id = resourceId('slb', request.idempotencyKey);
    const wanted = parseSpec(request.properties);
    const record = (await this.store.read()).resources[id] as ResourceRecord<SlbData> | undefined;
    if (!record)
      return {
        exact: true,
        changes: [{ action: 'create', resource: id, detail: `${wanted.listeners.length} listener(s)` }],
      };
    const same =
      configKey({
        listeners: record.data.listeners.map((l) => ({ ...l, localPort: 0 })),
        backends: record.data.backends,
      }) === configKey({ listeners: wanted.listeners.map((l) => ({ ...l, localPort: 0 })), backends: wanted.backends });
    return { exact: true, changes: [{ action: same ? 'same' : 'update', resource: id }] };
  }

  /** Brings back a recorded load balancer (after a restart), on its remembered ports when free. */
  async restore(record: ResourceRecord<SlbData>): Promise<void> {
    const ports = await this.ensureRunning(record.id, record.data);
    if (ports.some((p, i) => p !== record.data.listeners[i]?.localPort)) {
      // The remembered port was taken: remember the new one. refresh() reports SLB_ADDRESS drift against the outputs.
      await this.store.update((draft) => {
        const current = draft.resources[record.id] as ResourceRecord<SlbData> | undefined;
        if (current)
          current.data.listeners = current.data.listeners.map((l, i) => ({ ...l, localPort: ports[i] ?? l.localPort }));
      });
    }
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** The balancer of a component, for tests (health per backend). */
  balancer(id: string): TcpLoadBalancer | undefined {
    return this.running.get(id)?.balancer;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  private outputs(record: ResourceRecord<SlbData>): Record<string, string> {
    const first = record.data.listeners[0];
    return { SLB_ID: record.id, slbId: record.id, SLB_ADDRESS: first ? `${this.host}:${first.localPort}` : this.host };
  }

  private async ensureRunning(id: string, data: SlbData): Promise<number[]> {
    const config = configKey(data);
    const live = this.running.get(id);
    if (live && live.config === config) return live.balancer.boundPorts;
    // Changed listeners or backends: restart on the same ports.
    const ports = live ? live.balancer.boundPorts : data.listeners.map((l) => l.localPort);
    if (live) await this.stop(id);
    const balancer = new TcpLoadBalancer({
      host: this.host,
      healthCheckIntervalMs: this.healthCheckIntervalMs,
      listeners: data.listeners.map((l, i) => ({
        port: l.port,
        localPort: ports[i] ?? 0,
        backends: backendsFor(data.backends, l.backendPort),
      })),
    });
    try {
      await balancer.start();
    } catch (error) {
      await balancer.close();
      throw toProviderError(error, `slb ${id}: cannot listen`);
    }
    this.running.set(id, {
      balancer,
      config: configKey({
        ...data,
        listeners: data.listeners.map((l, i) => ({ ...l, localPort: balancer.boundPorts[i] })),
      }),
    });
    return balancer.boundPorts;
  }

  private async stop(id: string): Promise<void> {
    const live = this.running.get(id);
    this.running.delete(id);
    if (live) await live.balancer.close();
  }
}

function configKey(data: SlbData): string {
  return JSON.stringify({ l: data.listeners, b: data.backends });
}

function backendsFor(entries: string[], backendPort: number): Backend[] {
  return entries.map((entry) => {
    const match = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    return { host: match[1] || '127.0.0.1', port: match[2] ? Number(match[2]) : backendPort };
  });
}

function parseSpec(properties: Record<string, unknown>): {
  listeners: Array<Omit<SlbListenerRecord, 'localPort'>>;
  backends: string[];
} {
  const rawListeners = Array.isArray(properties.listeners) ? properties.listeners : [];
  const listeners = rawListeners.map((raw, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const port = Number(o.port ?? o.frontendPort);
    const backendPort = Number(o.backendPort ?? port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`listeners/${i}/port must be a port number`);
    if (!Number.isInteger(backendPort) || backendPort < 1 || backendPort > 65535)
      throw invalid(`listeners/${i}/backendPort must be a port number`);
    return { port, protocol: typeof o.protocol === 'string' ? o.protocol : 'tcp', backendPort };
  });
  const rawBackends = properties.backends === undefined ? [] : properties.backends;
  if (
    !Array.isArray(rawBackends) ||
    rawBackends.some((b) => typeof b !== 'string' || !/^[^\s:]*(:\d{1,5})?$/.test(b))
  ) {
    throw invalid('backends must be a list of "host:port" (or "host", then the listener\'s backendPort is used)');
  }
  return { listeners, backends: rawBackends as string[] };
}
