import type { Application, Operation, OperationEvent } from '../client/api.types';
import { errorMessage } from '../output/status-tree';

export type WaitKind = 'apply' | 'delete';

/** What one poll of the server saw: the application (null once deleted) and the operation being waited for. */
export interface Snapshot {
  app: Application | null;
  operation?: Operation | null;
  /** Operation events logged since the previous poll. */
  events?: OperationEvent[];
}

export interface ComponentProgress {
  name: string;
  type: string;
  phase: string;
  /** When this component reached a terminal phase, or undefined while it is still moving. */
  doneAt?: number;
  error?: string;
  /** The newest event message the operation logged for this component. */
  note?: string;
}

export interface PhaseChange {
  component: string;
  phase: string;
  elapsedMs: number;
}

const TERMINAL: Record<WaitKind, ReadonlySet<string>> = {
  apply: new Set(['Ready', 'Failed', 'Retained', 'Deleted']),
  delete: new Set(['Deleted', 'Retained', 'Failed']),
};

/** Step actions that take a component away, and what it is once they succeeded. */
const REMOVING: Record<string, string> = { destroy: 'Deleted', 'remove-workload': 'Deleted', retain: 'Retained' };

interface StepView {
  /** Per component: the position of the first step of the operation that works on it (the order things happen). */
  rank: Map<string, number>;
  /** Per component: the phase its removal has reached by the steps (`Deleting`, `Deleted`, `Retained`). */
  removal: Map<string, string>;
}

/**
 * What the operation's steps say about each component. The application's status alone does not tell a removed
 * workload: a delete takes every workload away in one `remove-workloads` step, after which the server no longer
 * records them, so they would show as Pending; and all of a fast delete is over between two polls, when the status
 * order (spec order) is not the order things happened.
 */
function readSteps(snapshot: Snapshot, workloads: readonly string[]): StepView {
  const rank = new Map<string, number>();
  const removal = new Map<string, string>();
  (snapshot.operation?.steps ?? []).forEach((step, index) => {
    const removesAll = step.action === 'remove-workloads';
    const targets = removesAll ? workloads : step.component ? [step.component] : [];
    const removed = removesAll ? 'Deleted' : REMOVING[step.action];
    for (const name of targets) {
      if (!rank.has(name)) rank.set(name, index);
      if (removed === undefined) continue;
      if (step.state === 'Succeeded') removal.set(name, removed);
      else if (step.state === 'Running' && removed === 'Deleted') removal.set(name, 'Deleting');
    }
  });
  return { rank, removal };
}

/**
 * Per-component progress of a `--wait`: the phase each component is in and how long it took (or has taken so far)
 * since the wait began, in the order the operation works on them (a delete: workloads first, then the cloud
 * components they depended on). Feeding snapshots returns the phase changes, which is what the plain (non-terminal)
 * output prints.
 */
export class ProgressModel {
  private readonly components = new Map<string, ComponentProgress>();
  private rank = new Map<string, number>();
  /** Every workload seen so far (a deleted application no longer lists them). */
  private readonly workloads = new Set<string>();
  private appPhase: string | undefined;

  constructor(
    readonly kind: WaitKind,
    readonly startedAt: number,
  ) {}

  /**
   * What was there before the wait began (a delete reads the application first), known without being reported as a
   * change: a fast delete may be over by the first poll, and the components it removed are then still shown.
   */
  seed(app: Application): void {
    for (const status of app.status?.components ?? []) {
      if (status.kind === 'workload') this.workloads.add(status.name);
      this.components.set(status.name, { name: status.name, type: status.type, phase: status.phase });
    }
  }

  update(snapshot: Snapshot, now: number): PhaseChange[] {
    const changes: PhaseChange[] = [];
    for (const status of snapshot.app?.status?.components ?? []) {
      if (status.kind === 'workload') this.workloads.add(status.name);
    }
    const steps = readSteps(snapshot, [...this.workloads]);
    if (steps.rank.size > 0) this.rank = steps.rank;
    const move = (name: string, type: string, phase: string, error: string | undefined) => {
      const known = this.components.get(name);
      if (known && known.phase === phase) {
        known.error = error;
        return;
      }
      this.components.set(name, {
        name,
        type,
        phase,
        doneAt: TERMINAL[this.kind].has(phase) ? now : undefined,
        error,
        note: known?.note,
      });
      changes.push({ component: name, phase, elapsedMs: now - this.startedAt });
    };
    const statuses = this.ordered(snapshot.app?.status?.components ?? [], (status) => status.name);
    for (const status of statuses) {
      move(status.name, status.type, steps.removal.get(status.name) ?? status.phase, errorMessage(status.lastError));
    }
    if (snapshot.app === null && this.kind === 'delete') {
      // The application is gone: whatever was still listed went with it (kept, where its step retained it).
      for (const component of this.ordered([...this.components.values()], (c) => c.name)) {
        if (component.phase !== 'Deleted' && component.phase !== 'Retained') {
          const phase = steps.removal.get(component.name) === 'Retained' ? 'Retained' : 'Deleted';
          move(component.name, component.type, phase, undefined);
        }
      }
    }
    for (const event of snapshot.events ?? []) {
      const component = event.component ? this.components.get(event.component) : undefined;
      if (component) component.note = event.message;
    }
    const appPhase = snapshot.app === null ? 'Deleted' : snapshot.app.status?.phase;
    if (appPhase && appPhase !== this.appPhase) {
      this.appPhase = appPhase;
      changes.push({ component: '', phase: appPhase, elapsedMs: now - this.startedAt });
    }
    return changes;
  }

  get applicationPhase(): string | undefined {
    return this.appPhase;
  }

  /** The components in the order the operation works on them (those it does not touch last, as listed). */
  list(): ComponentProgress[] {
    return this.ordered([...this.components.values()], (c) => c.name);
  }

  elapsed(component: ComponentProgress, now: number): number {
    return (component.doneAt ?? now) - this.startedAt;
  }

  private ordered<T>(items: T[], nameOf: (item: T) => string): T[] {
    const rankOf = (item: T) => this.rank.get(nameOf(item)) ?? Number.MAX_SAFE_INTEGER;
    return items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => rankOf(a.item) - rankOf(b.item) || a.index - b.index)
      .map(({ item }) => item);
  }
}
