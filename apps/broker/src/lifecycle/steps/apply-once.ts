import {
  applyOncePropertyPaths,
  readApplyOnce,
  type ApplyOnce,
  type CloudComponentSpec,
  type JsonObject,
} from '@berth/core';
import type { ManagedResourceEntity } from '@berth/persistence';
import type { OperationContext } from './operation-context';

/** The apply-once strategy of a component of this operation's application (apply-once policy), if it has one. */
export function applyOnceOf(ctx: OperationContext, component: string): ApplyOnce | undefined {
  return readApplyOnce(ctx.application?.annotations).get(component);
}

/** Whether a later apply keeps what was first applied (a change in the spec, not the refresh's state keeping). */
export function keepsOnUpdate(once: ApplyOnce | undefined): once is ApplyOnce {
  return once !== undefined && once.affect !== 'onStateKeep';
}

/** Whether the refresh leaves a changed resource as it found it (no re-apply to re-issue its connection values). */
export function keepsOnStateKeep(once: ApplyOnce | undefined): boolean {
  return once !== undefined && once.affect !== 'onUpdate';
}

/** A recorded resource that was applied (and not just adopted back from Retain): what apply-once keeps. */
export function firstApplied(row: ManagedResourceEntity | null): row is ManagedResourceEntity {
  return row !== null && !row.retained && Object.keys(row.externalIds).length > 0;
}

/**
 * The spec a later apply sends for an apply-once component: at each listed property path the value first applied
 * (as recorded), or nothing where none was; `*`: undefined (nothing is applied again).
 */
export function keptSpec(
  spec: CloudComponentSpec,
  once: ApplyOnce,
  recorded: ManagedResourceEntity,
): { spec: CloudComponentSpec; kept: string[] } | undefined {
  const paths = applyOncePropertyPaths(once.path);
  if (paths === '*') return undefined;
  const properties = structuredClone(spec.properties) as JsonObject;
  for (const path of paths) setPath(properties, path.split('.'), getPath(recorded.properties, path.split('.')));
  return { spec: { ...spec, properties }, kept: paths };
}

function getPath(value: unknown, keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  const [key, ...rest] = keys;
  if (key === undefined) return;
  if (rest.length === 0) {
    if (value === undefined) delete target[key];
    else target[key] = structuredClone(value);
    return;
  }
  const next = target[key];
  if (!next || typeof next !== 'object') {
    if (value === undefined) return;
    target[key] = {};
  }
  setPath(target[key] as Record<string, unknown>, rest, value);
}
