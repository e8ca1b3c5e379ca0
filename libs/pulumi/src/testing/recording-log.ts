import type { OperationLog } from '@berth/core';

export interface RecordedLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** An operation log that keeps its lines, for specs that check what a run reported (and what it never did). */
export function recordingLog(): OperationLog & { lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  return { lines, log: (level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) }) };
}
