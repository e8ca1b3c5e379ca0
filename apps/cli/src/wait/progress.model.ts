import type { Application, Operation, OperationEvent, WorkflowStepStatus } from '../client/api.types';
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

/** A workflow step as a `--wait` shows it: its phase, why, and where it delivers. */
export interface StepProgress {
  name: string;
  type: string;
  /** `running`, `suspending (WaitingForApproval)`, `failed`, … */
  phase: string;
  /** Its environments' progress, `staging: running, prod: pending`. */
  targets?: string;
  message?: string;
  /** Waiting for a `:resume` (an approval or a suspend without duration). */
  waiting: boolean;
}

/** The leaf steps in order (a step-group's subSteps in its place, the group itself not). */
export function leafSteps(steps: readonly WorkflowStepStatus[]): WorkflowStepStatus[] {
  return steps.flatMap((step) => (step.subSteps?.length ? leafSteps(step.subSteps) : [step]));
}

export function stepProgress(step: WorkflowStepStatus): StepProgress {
  const targets = Object.entries(step.targets ?? {})
    .map(([environment, target]) => `${environment}: ${target.phase}`)
    .join(', ');
  return {
    name: step.name,
    type: step.type,
    phase: step.reason && step.phase !== 'succeeded' ? `${step.phase} (${step.reason})` : step.phase,
    ...(targets ? { targets } : {}),
    ...(step.message ? { message: step.message } : {}),
    waiting:
      step.phase === 'suspending' && (step.reason === 'WaitingForApproval' || step.reason === 'WaitingForResume'),
  };
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
  private workflowPhase: string | undefined;
  private readonly steps = new Map<string, StepProgress>();

  /** `resumeHint`: what to run when a step waits for `:resume` (`berth resume shop --env local`). */
  constructor(
    readonly kind: WaitKind,
    readonly startedAt: number,
    private readonly resumeHint?: string,
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
    if (this.kind === 'apply') changes.push(...this.updateWorkflow(snapshot, now));
    return changes;
  }

  /** A workflow's steps: a change line per step whose phase or environments moved, and per workflow phase. */
  private updateWorkflow(snapshot: Snapshot, now: number): PhaseChange[] {
    const workflow = snapshot.app?.status?.workflow;
    if (!workflow) return [];
    const changes: PhaseChange[] = [];
    const elapsedMs = now - this.startedAt;
    for (const step of leafSteps(workflow.steps).map(stepProgress)) {
      const known = this.steps.get(step.name);
      this.steps.set(step.name, step);
      if (known && known.phase === step.phase && known.targets === step.targets) continue;
      if (!known && step.phase === 'pending') continue;
      const where = step.targets ? ` [${step.targets}]` : '';
      const hint = step.waiting && this.resumeHint ? ` — waiting for approval: ${this.resumeHint}` : '';
      const why = step.phase.startsWith('failed') && step.message ? ` — ${step.message}` : '';
      changes.push({ component: `step ${step.name}`, phase: `${step.phase}${where}${hint}${why}`, elapsedMs });
    }
    if (workflow.phase !== this.workflowPhase) {
      this.workflowPhase = workflow.phase;
      changes.push({ component: 'workflow', phase: workflow.phase, elapsedMs });
    }
    return changes;
  }

  /** The workflow's steps as last seen (empty without a workflow). */
  workflowSteps(): StepProgress[] {
    return [...this.steps.values()];
  }

  get workflow(): { phase?: string; resumeHint?: string } {
    return { phase: this.workflowPhase, resumeHint: this.resumeHint };
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
