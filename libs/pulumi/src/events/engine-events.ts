import type { EngineEvent } from '@pulumi/pulumi/automation';
import type { LogLevel, PlannedChange } from '@berth/core';

export interface JobEvent {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

const VERBS: Record<string, string> = {
  create: 'creating',
  update: 'updating',
  delete: 'deleting',
  replace: 'replacing',
  'create-replacement': 'creating replacement of',
  'delete-replaced': 'deleting replaced',
  refresh: 'refreshing',
  read: 'reading',
};

/** `urn:pulumi:stack::project::type::name` → name. */
export function urnName(urn: string): string {
  return urn.split('::').pop() ?? urn;
}

function isInternal(type: string): boolean {
  return type === 'pulumi:pulumi:Stack' || type.startsWith('pulumi:providers:');
}

/**
 * An engine event as an operation event line: which resource, which step, the diagnostics. Never inputs or outputs
 * (they may hold secrets); diagnostic text goes through the scrubber.
 */
export function toJobEvent(event: EngineEvent, scrub: (text: string) => string): JobEvent | undefined {
  if (event.resourcePreEvent && !event.resourcePreEvent.planning) {
    const m = event.resourcePreEvent.metadata;
    if (isInternal(m.type) || m.op === 'same') return undefined;
    return {
      level: 'info',
      message: `${VERBS[m.op] ?? m.op} ${m.type} ${urnName(m.urn)}`,
      fields: { op: m.op, type: m.type, resource: urnName(m.urn) },
    };
  }
  if (event.resOutputsEvent && !event.resOutputsEvent.planning) {
    const m = event.resOutputsEvent.metadata;
    if (isInternal(m.type) || m.op === 'same') return undefined;
    return {
      level: 'info',
      message: `done ${m.op} ${m.type} ${urnName(m.urn)}`,
      fields: { op: m.op, type: m.type, resource: urnName(m.urn), done: true },
    };
  }
  if (event.resOpFailedEvent) {
    const m = event.resOpFailedEvent.metadata;
    return {
      level: 'error',
      message: `failed ${m.op} ${m.type} ${urnName(m.urn)}`,
      fields: { op: m.op, type: m.type, resource: urnName(m.urn) },
    };
  }
  if (event.diagnosticEvent && !event.diagnosticEvent.ephemeral) {
    const d = event.diagnosticEvent;
    const level: LogLevel = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'debug';
    const text = scrub(d.message.trim());
    if (text === '') return undefined;
    return { level, message: text, ...(d.urn ? { fields: { resource: urnName(d.urn) } } : {}) };
  }
  if (event.summaryEvent) {
    return {
      level: 'info',
      message: 'pulumi finished',
      fields: { changes: event.summaryEvent.resourceChanges, seconds: event.summaryEvent.durationSeconds },
    };
  }
  return undefined;
}

const ACTIONS: Record<string, PlannedChange['action'] | undefined> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  replace: 'replace',
  'create-replacement': 'replace',
  same: 'same',
  read: 'same',
  refresh: 'same',
};

/** A step of a preview as a planned change, or undefined for engine-internal resources. */
export function toPlannedChange(event: EngineEvent): PlannedChange | undefined {
  const m = event.resourcePreEvent?.metadata;
  if (!m || isInternal(m.type)) return undefined;
  const action = ACTIONS[m.op];
  if (action === undefined) return undefined;
  const detail = m.diffs && m.diffs.length > 0 ? `changes ${m.diffs.join(', ')}` : undefined;
  return { action, resource: `${m.type} ${urnName(m.urn)}`, ...(detail ? { detail } : {}) };
}
