import type { Server } from 'node:http';
import request from 'supertest';

interface StepBody {
  id: string;
  state: string;
  attempts: number;
  error: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
}

interface EventBody {
  seq: number;
  time: string;
  level: string;
  step?: string;
  message: string;
}

/**
 * What an operation did, for a failing test's message: its state and error, every step with its attempts and error,
 * and its event log. Never throws: when the service cannot answer, the report says why instead.
 */
export async function operationReport(target: string | Server, id: string, maxEvents = 80): Promise<string> {
  const lines: string[] = [];
  try {
    const operation = await request(target).get(`/v1/operations/${id}`);
    if (operation.status !== 200) return `operation ${id}: GET answered ${operation.status} ${operation.text}`;
    const body = operation.body as { kind: string; state: string; attempts: number; error: string | null };
    lines.push(
      `operation ${id} (${body.kind}): ${body.state} after ${body.attempts} claim(s)${body.error ? `; error: ${body.error}` : ''}`,
      'steps:',
    );
    for (const step of operation.body.steps as StepBody[]) {
      lines.push(
        `  ${step.id}: ${step.state}, ${step.attempts} attempt(s)${step.error ? `; error: ${step.error}` : ''}` +
          `${step.startedAt ? ` [${step.startedAt} → ${step.finishedAt ?? '…'}]` : ''}`,
      );
    }
    const events = await request(target).get(`/v1/operations/${id}/events`);
    const items = (events.status === 200 ? events.body.items : []) as EventBody[];
    lines.push(`events (${items.length}${items.length > maxEvents ? `, last ${maxEvents}` : ''}):`);
    for (const event of items.slice(-maxEvents)) {
      lines.push(
        `  #${event.seq} ${event.time} ${event.level}${event.step ? ` [${event.step}]` : ''} ${event.message}`,
      );
    }
  } catch (error) {
    lines.push(`operation ${id}: cannot read it (${describeError(error)})`);
  }
  return lines.join('\n');
}

/** An error as one line, with the code Node's transport errors carry (ECONNRESET, ECONNREFUSED, …). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
