import type { LogLevel } from '../ports';
import type { PlannedStep } from './lifecycle-step';
import type { OperationJournal, StepFailure, StepSuccess } from './operation-journal.port';

export type JournalEntry =
  | { kind: 'started'; step: string; attempt: number }
  | { kind: 'succeeded'; step: string; success: StepSuccess }
  | { kind: 'failed'; step: string; failure: StepFailure }
  | { kind: 'blocked'; step: string; blockedBy: string }
  | { kind: 'event'; level: LogLevel; message: string; fields: Record<string, unknown> };

/** An OperationJournal in memory, in call order: for tests, benchmarks and dry runs. */
export class MemoryOperationJournal implements OperationJournal {
  readonly entries: JournalEntry[] = [];

  stepStarted(step: PlannedStep, attempt: number): void {
    this.entries.push({ kind: 'started', step: step.id, attempt });
  }

  stepSucceeded(step: PlannedStep, success: StepSuccess): void {
    this.entries.push({ kind: 'succeeded', step: step.id, success });
  }

  stepFailed(step: PlannedStep, failure: StepFailure): void {
    this.entries.push({ kind: 'failed', step: step.id, failure });
  }

  stepBlocked(step: PlannedStep, blockedBy: string): void {
    this.entries.push({ kind: 'blocked', step: step.id, blockedBy });
  }

  event(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    this.entries.push({ kind: 'event', level, message, fields });
  }

  /** Ids of the steps that succeeded: what a resumed run passes as `completed`. */
  completedSteps(): Set<string> {
    return new Set(this.entries.filter((e) => e.kind === 'succeeded').map((e) => e.step));
  }

  of<K extends JournalEntry['kind']>(kind: K): Array<Extract<JournalEntry, { kind: K }>> {
    return this.entries.filter((e): e is Extract<JournalEntry, { kind: K }> => e.kind === kind);
  }
}
