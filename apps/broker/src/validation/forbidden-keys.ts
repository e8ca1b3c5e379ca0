import { jsonPointer, type ValidationProblem } from '@berth/core';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys that could reach an object's prototype if a document were ever merged naively; refused wherever they appear. */
export function forbiddenKeyProblems(
  value: unknown,
  path: Array<string | number> = [],
  depth = 0,
): ValidationProblem[] {
  if (depth > 64 || value === null || typeof value !== 'object') return [];
  const problems: ValidationProblem[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => problems.push(...forbiddenKeyProblems(item, [...path, index], depth + 1)));
    return problems;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key))
      problems.push({ path: jsonPointer(...path, key), message: `the key ${key} is not allowed` });
    else problems.push(...forbiddenKeyProblems((value as Record<string, unknown>)[key], [...path, key], depth + 1));
  }
  return problems;
}
