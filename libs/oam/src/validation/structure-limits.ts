import type { ValidationProblem } from '@berth/core';

/** Deepest nesting validateApplication accepts from a caller that did not go through parseDocument. */
export const VALIDATION_MAX_DEPTH = 64;

/**
 * Refuses values that are not trees of JSON data: self-containing objects (a recursive YAML alias) and absurd
 * nesting. Iterative, so no input can exhaust the stack.
 */
export function checkStructureLimits(
  value: unknown,
  maxDepth = VALIDATION_MAX_DEPTH,
  maxNodes = Number.POSITIVE_INFINITY,
): ValidationProblem | undefined {
  const onPath = new Set<object>();
  let visited = 0;
  const stack: Array<{ value: unknown; depth: number; leave: boolean }> = [{ value, depth: 0, leave: false }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (++visited > maxNodes) {
      return {
        path: '',
        message: 'the document expands its aliases far beyond its own size (an entity-expansion attack?)',
      };
    }
    if (typeof entry.value !== 'object' || entry.value === null) continue;
    if (entry.leave) {
      onPath.delete(entry.value);
      continue;
    }
    if (onPath.has(entry.value)) return { path: '', message: 'the document contains itself (a recursive alias)' };
    if (entry.depth >= maxDepth) return { path: '', message: `the document nests deeper than ${maxDepth} levels` };
    onPath.add(entry.value);
    stack.push({ value: entry.value, depth: entry.depth, leave: true });
    for (const child of Object.values(entry.value)) stack.push({ value: child, depth: entry.depth + 1, leave: false });
  }
  return undefined;
}
