import { formatDuration } from '@berth/core';
import type { BerthApiClient } from '../client/berth-api.client';
import type { Application, Operation, OperationEvent } from '../client/api.types';
import { CliError, CliErrorCode } from '../cli.error';
import type { ProgressRenderer } from '../output/progress.renderer';
import { errorMessage } from '../output/status-tree';
import { leafSteps, ProgressModel, stepProgress, type Snapshot, type WaitKind } from './progress.model';

export interface WaitRequest {
  kind: WaitKind;
  env: string;
  app: string;
  /** The operation queued by the apply/delete, when the server returned one. */
  operationId?: string;
  /** For apply: the generation that must be observed Ready. */
  generation?: number;
  /** The application as it was before the request (see ProgressModel.seed). */
  before?: Application | null;
  /** Also read the operation's events (for the live view's per-component notes). */
  withEvents?: boolean;
  timeoutMs: number;
  pollMs?: number;
  tickMs?: number;
}

export type RendererFactory = (model: ProgressModel) => Promise<ProgressRenderer>;

const RUNNING = new Set(['Queued', 'Running']);

/** Decides from one snapshot whether the wait is over: 'done', a failure reason, or undefined to keep polling. */
export function judge(request: WaitRequest, snapshot: Snapshot): 'done' | { reason: string } | undefined {
  const { app, operation } = snapshot;
  const opState = operation?.state ?? app?.status?.lastOperation?.state;
  const opRunning = opState !== undefined && RUNNING.has(opState);
  if (operation?.state === 'Failed') return { reason: `${operation.kind} operation ${operation.id} failed` };
  if (request.kind === 'delete') {
    if (app === null) return 'done';
    if (app.status?.phase === 'DeleteFailed' && !opRunning) return { reason: `deleting ${request.app} failed` };
    return undefined;
  }
  if (app === null) return { reason: `application ${request.app} no longer exists` };
  const phase = app.status?.phase;
  const observed = app.status?.observedGeneration ?? app.metadata.generation ?? 0;
  const current = observed >= (request.generation ?? 0);
  if (phase === 'Failed' && current && !opRunning) return { reason: `${request.app} failed` };
  // With a workflow (spec.workflow, or a topology's policy order) the home is Ready long before its deliveries are.
  const workflow = app.status?.workflow?.phase;
  if (workflow === 'failed') return { reason: `the workflow of ${request.app} failed` };
  if (workflow === 'terminated') return { reason: `the workflow of ${request.app} was terminated` };
  if (phase === 'Ready' && current && !opRunning && (workflow === undefined || workflow === 'succeeded')) return 'done';
  return undefined;
}

/** The workflow steps worth explaining: failed ones (with their message) and those waiting for `:resume`. */
function explainWorkflow(request: WaitRequest, snapshot: Snapshot): string[] {
  const workflow = snapshot.app?.status?.workflow;
  if (!workflow) return [];
  const lines: string[] = [];
  for (const step of leafSteps(workflow.steps).map(stepProgress)) {
    const where = step.targets ? ` [${step.targets}]` : '';
    if (step.phase.startsWith('failed')) {
      lines.push(`step ${step.name} (${step.type}): ${step.phase}${where}${step.message ? ` — ${step.message}` : ''}`);
    } else if (step.waiting) {
      lines.push(`step ${step.name} (${step.type}): ${step.phase}${where}; ${resumeCommand(request)} continues it`);
    }
  }
  return lines;
}

/** What approves a waiting step of this application. */
export function resumeCommand(request: Pick<WaitRequest, 'app' | 'env'>): string {
  return `berth resume ${request.app} --env ${request.env}`;
}

/**
 * The lines that explain a failure or a timeout, each reason once: every unfinished or failed component with its last
 * error, then a failed step whose error no component line carried, then the operation's own error only when nothing
 * else explained it (the server writes it as the failed steps' errors joined, so it would only repeat them).
 */
export function explain(request: WaitRequest, snapshot: Snapshot): string[] {
  const lines: string[] = [];
  const said = new Set<string>();
  const goal = request.kind === 'apply' ? new Set(['Ready', 'Retained']) : new Set(['Deleted', 'Retained']);
  for (const component of snapshot.app?.status?.components ?? []) {
    const error = errorMessage(component.lastError);
    if (goal.has(component.phase) && !error) continue;
    if (error) said.add(error);
    lines.push(`${component.name} (${component.type}): ${component.phase}${error ? ` — ${error}` : ''}`);
  }
  for (const step of snapshot.operation?.steps ?? []) {
    const stepError = errorMessage(step.error);
    if (step.state !== 'Failed' || !stepError || said.has(stepError)) continue;
    said.add(stepError);
    lines.push(`step ${step.id}: ${stepError}`);
  }
  const operationError = errorMessage(snapshot.operation?.error);
  if (operationError && said.size === 0) lines.unshift(`operation: ${operationError}`);
  lines.push(...explainWorkflow(request, snapshot));
  if (lines.length === 0 && snapshot.app) {
    const op = snapshot.operation ?? snapshot.app.status?.lastOperation;
    lines.push(
      `${request.app} is ${snapshot.app.status?.phase ?? 'without status'}${op ? `; ${op.kind} operation ${op.id} is ${op.state}` : ''}`,
    );
  }
  return lines;
}

/** Reads the operation's new events between polls, so the live view can say what each component is doing. */
class EventCursor {
  private after = 0;
  private operationId?: string;
  private enabled = true;

  async next(client: BerthApiClient, operationId: string | undefined): Promise<OperationEvent[]> {
    if (!operationId || !this.enabled) return [];
    if (operationId !== this.operationId) {
      this.operationId = operationId;
      this.after = 0;
    }
    try {
      const events = await client.listEvents(operationId, this.after);
      for (const event of events) this.after = Math.max(this.after, event.seq);
      return events;
    } catch (error) {
      // A server without the events endpoint (or a hiccup): progress works without notes.
      if (!isTransient(error)) this.enabled = false;
      return [];
    }
  }
}

async function poll(client: BerthApiClient, request: WaitRequest, cursor?: EventCursor): Promise<Snapshot> {
  const app: Application | null = await client.findApplication(request.env, request.app);
  const operationId = request.operationId ?? (request.kind === 'apply' ? app?.status?.lastOperation?.id : undefined);
  const operation: Operation | null | undefined = operationId ? await client.findOperation(operationId) : undefined;
  const events = cursor ? await cursor.next(client, operation?.id) : undefined;
  return { app, operation, events };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the application (and its operation) until an apply is Ready or a deletion is gone, showing progress through
 * the renderer. Throws a CliError with the reason (component, last error) when it fails or times out.
 */
/** Errors worth riding out while waiting: the server restarting, or answering 503 during a database outage. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof CliError)) return false;
  if (error.code === CliErrorCode.Unreachable) return true;
  const status = error.problem?.status ?? 0;
  return error.code === CliErrorCode.Server && (status === 502 || status === 503 || status === 504);
}

export async function waitForApplication(
  client: BerthApiClient,
  request: WaitRequest,
  createRenderer: RendererFactory,
): Promise<Snapshot> {
  const started = Date.now();
  const model = new ProgressModel(request.kind, started, resumeCommand(request));
  if (request.before) model.seed(request.before);
  const renderer = await createRenderer(model);
  const ticker = setInterval(() => renderer.tick(Date.now()), request.tickMs ?? 100);
  let last: Snapshot = { app: null };
  let transient: CliError | undefined;
  const cursor = request.withEvents ? new EventCursor() : undefined;
  try {
    for (;;) {
      let snapshot: Snapshot | undefined;
      try {
        snapshot = await poll(client, request, cursor);
        transient = undefined;
      } catch (error) {
        if (!isTransient(error)) throw error;
        transient = error as CliError;
      }
      if (snapshot) {
        last = snapshot;
        renderer.changed(model.update(snapshot, Date.now()), Date.now());
        const verdict = judge(request, snapshot);
        if (verdict === 'done') return snapshot;
        if (verdict) throw new CliError(CliErrorCode.Failed, verdict.reason, undefined, explain(request, snapshot));
      }
      if (Date.now() - started >= request.timeoutMs) {
        const goal =
          request.kind === 'delete'
            ? 'to be deleted'
            : last.app?.status?.workflow
              ? `to become Ready and its workflow to succeed (workflow ${last.app.status.workflow.phase})`
              : 'to become Ready';
        const details = explain(request, last);
        if (transient) details.unshift(`last poll: ${transient.message}`);
        throw new CliError(
          CliErrorCode.Timeout,
          `timed out after ${formatDuration(request.timeoutMs)} waiting for ${request.app} ${goal}`,
          undefined,
          details,
        );
      }
      await sleep(transient ? 1000 : (request.pollMs ?? 500));
    }
  } finally {
    clearInterval(ticker);
    renderer.finish(Date.now());
  }
}
