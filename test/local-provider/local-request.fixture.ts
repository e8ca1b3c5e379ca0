import type { CloudComponentType, DependencyOutputs, JsonObject, OperationLog, ResourceRequest } from '@berth/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RequestSpec {
  type: CloudComponentType;
  component: string;
  application?: string;
  environment?: string;
  properties?: JsonObject;
  secretProperties?: Record<string, string>;
  dependencies?: Record<string, DependencyOutputs>;
  settings?: JsonObject;
  signal?: AbortSignal;
}

/** A request as the lifecycle engine would send it: identity, canonical properties, broker-held secrets. */
export function request(spec: RequestSpec): ResourceRequest {
  const environment = spec.environment ?? 'dev';
  const application = spec.application ?? 'shop';
  return {
    environment,
    application,
    component: spec.component,
    type: spec.type,
    profile: { kind: 'local', settings: spec.settings ?? {} },
    properties: spec.properties ?? {},
    secretProperties: spec.secretProperties ?? {},
    dependencies: spec.dependencies ?? {},
    externalIds: {},
    idempotencyKey: `${environment}/${application}/${spec.component}`,
    signal: spec.signal ?? new AbortController().signal,
  };
}

/** Collects log lines so tests can check that no secret was logged. */
export class RecordingLog implements OperationLog {
  readonly lines: string[] = [];
  log(level: string, message: string, fields?: Record<string, unknown>): void {
    this.lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  }
}

export async function tempDataDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-local-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
