import type { EngineEvent } from '@pulumi/pulumi/automation';
import type {
  PulumiStackHandle,
  PulumiWorkspace,
  StackConfig,
  StackLock,
  StackOutputs,
  StackRunOptions,
  StackSettings,
} from '../workspace/pulumi-workspace.port';

export type FakeOp = 'up' | 'preview' | 'refresh' | 'destroy';

export interface FakeCall {
  op: FakeOp | 'cancel' | 'remove' | 'setConfig';
  stack: string;
}

/** Scripted behaviour of one operation; `events` are streamed before it settles. */
export type FakeBehaviour = (op: FakeOp, stack: FakeStack, options: StackRunOptions) => Promise<unknown>;

export class FakeStack implements PulumiStackHandle {
  config: StackConfig = {};
  constructor(
    readonly workspace: FakeWorkspace,
    readonly settings: StackSettings,
    readonly program: () => Promise<Record<string, unknown>>,
  ) {}

  async setConfig(config: StackConfig): Promise<void> {
    this.workspace.calls.push({ op: 'setConfig', stack: this.settings.stackName });
    this.config = { ...this.config, ...config };
  }
  up(o: StackRunOptions) {
    return this.workspace.perform('up', this, o) as Promise<{ outputs: StackOutputs }>;
  }
  preview(o: StackRunOptions) {
    return this.workspace.perform('preview', this, o) as Promise<{ changeSummary: Record<string, number> }>;
  }
  refresh(o: StackRunOptions) {
    return this.workspace.perform('refresh', this, o) as Promise<{ resourceChanges: Record<string, number> }>;
  }
  async destroy(o: StackRunOptions): Promise<void> {
    await this.workspace.perform('destroy', this, o);
  }
  async cancel(): Promise<void> {
    this.workspace.calls.push({ op: 'cancel', stack: this.settings.stackName });
    this.workspace.locks.delete(this.settings.stackName);
  }
  async remove(): Promise<void> {
    this.workspace.calls.push({ op: 'remove', stack: this.settings.stackName });
  }
}

/** An injected workspace that records what the driver asked for and plays scripted outcomes. */
export class FakeWorkspace implements PulumiWorkspace {
  readonly calls: FakeCall[] = [];
  readonly opened: FakeStack[] = [];
  readonly locks = new Map<string, StackLock[]>();
  running = 0;
  maxRunning = 0;
  readonly runningPerStack = new Map<string, number>();
  maxPerStack = 0;

  constructor(public behaviour: FakeBehaviour = async (op) => defaultResult(op)) {}

  async openStack(
    settings: StackSettings,
    program: () => Promise<Record<string, unknown>>,
  ): Promise<PulumiStackHandle> {
    const stack = new FakeStack(this, settings, program);
    this.opened.push(stack);
    return stack;
  }

  async listLocks(settings: StackSettings): Promise<StackLock[] | undefined> {
    return this.locks.get(settings.stackName) ?? [];
  }

  async perform(op: FakeOp, stack: FakeStack, options: StackRunOptions): Promise<unknown> {
    const name = stack.settings.stackName;
    this.calls.push({ op, stack: name });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.runningPerStack.set(name, (this.runningPerStack.get(name) ?? 0) + 1);
    this.maxPerStack = Math.max(this.maxPerStack, this.runningPerStack.get(name)!);
    try {
      return await this.behaviour(op, stack, options);
    } finally {
      this.running--;
      this.runningPerStack.set(name, this.runningPerStack.get(name)! - 1);
    }
  }
}

export function defaultResult(op: FakeOp): unknown {
  switch (op) {
    case 'up':
      return { outputs: {} };
    case 'preview':
      return { changeSummary: {} };
    case 'refresh':
      return { resourceChanges: {} };
    default:
      return undefined;
  }
}

export function stepEvent(op: string, type: string, name: string, extra: Partial<EngineEvent> = {}): EngineEvent {
  return {
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: {
      metadata: { op: op as never, urn: `urn:pulumi:s::berth::${type}::${name}`, type, provider: '' },
    },
    ...extra,
  };
}
