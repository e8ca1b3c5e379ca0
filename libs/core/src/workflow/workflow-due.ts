import type { WorkflowState } from './workflow-state';

/**
 * When a stored run is next to be advanced, in epoch milliseconds: now while it is executing (an advance stopped
 * part-way, or one that must start), its `wakeAt` while suspended for a time (a suspend duration, a timeout); null
 * when it waits for nobody's clock (finished, or suspended until `:resume`).
 */
export function workflowDueAt(state: WorkflowState, now: Date): number | null {
  if (state.phase === 'executing') return now.getTime();
  if (state.phase === 'suspending' && state.wakeAt !== undefined) return Date.parse(state.wakeAt);
  return null;
}
