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

/**
 * Per-component progress of a `--wait`: the phase each component is in and how long it took (or has taken so far)
 * since the wait began. Feeding snapshots returns the phase changes, which is what the plain (non-terminal) output prints.
 */
export class ProgressModel {
  private readonly components = new Map<string, ComponentProgress>();
  private appPhase: string | undefined;

  constructor(
    readonly kind: WaitKind,
    readonly startedAt: number,
  ) {}

  update(snapshot: Snapshot, now: number): PhaseChange[] {
    const changes: PhaseChange[] = [];
    const seen = new Set<string>();
    for (const status of snapshot.app?.status?.components ?? []) {
      seen.add(status.name);
      const known = this.components.get(status.name);
      const error = errorMessage(status.lastError);
      if (!known || known.phase !== status.phase) {
        const terminal = TERMINAL[this.kind].has(status.phase);
        this.components.set(status.name, {
          name: status.name,
          type: status.type,
          phase: status.phase,
          doneAt: terminal ? now : undefined,
          error,
          note: known?.note,
        });
        changes.push({ component: status.name, phase: status.phase, elapsedMs: now - this.startedAt });
      } else {
        known.error = error;
      }
    }
    if (snapshot.app === null && this.kind === 'delete') {
      // The application is gone: whatever was still listed went with it.
      for (const component of this.components.values()) {
        if (component.doneAt === undefined && !seen.has(component.name)) {
          component.phase = 'Deleted';
          component.doneAt = now;
          changes.push({ component: component.name, phase: 'Deleted', elapsedMs: now - this.startedAt });
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

  list(): ComponentProgress[] {
    return [...this.components.values()];
  }

  elapsed(component: ComponentProgress, now: number): number {
    return (component.doneAt ?? now) - this.startedAt;
  }
}
