import request from 'supertest';

/** What the suites read of a home application's `status.workflow`. */
export interface WorkflowStatus {
  phase: string;
  steps: Array<{ name: string; phase: string }>;
}

/** What a wait waits for: the test on the workflow, and the words the error says it waited for. */
export interface WorkflowGoal<W extends WorkflowStatus = WorkflowStatus> {
  waitingFor: string;
  done(workflow: W): boolean;
}

/** The phases a run ends in. */
const ENDED = ['succeeded', 'failed', 'terminated'];

/** The run ended: succeeded, failed or terminated. */
export const RUN_ENDED: WorkflowGoal = {
  waitingFor: `the run to end (${ENDED.join(', ')})`,
  done: (workflow) => ENDED.includes(workflow.phase),
};

/** The workflow is in one of `phases`. */
export function workflowPhaseIn(...phases: string[]): WorkflowGoal {
  return { waitingFor: `the workflow ${phases.join(' or ')}`, done: (workflow) => phases.includes(workflow.phase) };
}

/** The step named `step` is in `phase`. */
export function stepPhaseIs(step: string, phase: string): WorkflowGoal {
  return {
    waitingFor: `step ${step} ${phase}`,
    done: (workflow) => workflow.steps.find((s) => s.name === step)?.phase === phase,
  };
}

/** Where the wait reads from, and how it takes an answer that is not the workflow. */
export interface WorkflowWaitOptions {
  /** The polls' ceiling: generous, the machine is shared. */
  timeoutMs?: number;
  intervalMs?: number;
  /**
   * The broker is SIGKILLed and restarted on purpose: a refused request or an answer other than 200 is polled again.
   * Otherwise an answer other than 200 fails the wait at once.
   */
  acrossRestarts?: boolean;
}

/** What `server` may be: a server, an app or a URL, as supertest's `request` takes. */
type Target = Parameters<typeof request>[0];

/**
 * Polls `GET path` on `server()` (asked again on every poll, so a restarted broker is followed) until the workflow
 * meets `goal`; answers that GET. Throws, after the deadline, an error saying what it waited for and what it last saw.
 */
export async function waitForWorkflowAnswer<W extends WorkflowStatus>(
  server: () => Target | Promise<Target>,
  path: string,
  goal: WorkflowGoal<W>,
  { timeoutMs = 240_000, intervalMs = 100, acrossRestarts = false }: WorkflowWaitOptions = {},
): Promise<{ workflow: W; answer: request.Response }> {
  const deadline = Date.now() + timeoutMs;
  let lastSeen: string;
  for (;;) {
    const ask = request(await server()).get(path);
    const answer = acrossRestarts ? await ask.catch((error: Error) => error) : await ask;
    if (answer instanceof Error) {
      lastSeen = `no answer (${answer.message})`;
    } else if (answer.status !== 200) {
      if (!acrossRestarts)
        throw new Error(`GET ${path} answered ${answer.status} while waiting for ${goal.waitingFor}: ${answer.text}`);
      lastSeen = `HTTP ${answer.status} ${answer.text}`;
    } else {
      const workflow = answer.body.status?.workflow as W | undefined;
      if (workflow && goal.done(workflow)) return { workflow, answer };
      lastSeen = JSON.stringify(workflow);
    }
    if (Date.now() > deadline) {
      throw new Error(`${path}: waited ${timeoutMs} ms for ${goal.waitingFor}; last seen: ${lastSeen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** {@link waitForWorkflowAnswer}, answering just the workflow. */
export async function waitForWorkflow<W extends WorkflowStatus>(
  server: () => Target | Promise<Target>,
  path: string,
  goal: WorkflowGoal<W>,
  options?: WorkflowWaitOptions,
): Promise<W> {
  return (await waitForWorkflowAnswer(server, path, goal, options)).workflow;
}
