import { jsonPointer, type ValidationProblem } from '@berth/core';
import { dnsSubdomainProblem } from '@berth/oam';

/** A label name, or a value when not empty (Kubernetes: alphanumerics, '-', '_', '.', alphanumeric at both ends). */
const LABEL_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PART_RULE =
  "at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

/** Why `key` is not a Kubernetes label key (`[prefix/]name`), or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefixProblem = dnsSubdomainProblem(key.slice(0, slash));
    if (prefixProblem) return `has a prefix that ${prefixProblem}`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_PART.test(name)) {
    return `must be a label key: an optional DNS-subdomain prefix and '/', then a name of ${PART_RULE}`;
  }
  return undefined;
}

/** Why `value` is not a Kubernetes label value, or undefined when it is one (the empty string is one). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  return value.length <= 63 && LABEL_PART.test(value) ? undefined : `must be a label value: empty, or ${PART_RULE}`;
}

/** Checks `labels` as Kubernetes checks `metadata.labels`; problems carry pointers under `base`. */
export function labelProblems(labels: unknown, base: string[]): ValidationProblem[] {
  if (labels === undefined) return [];
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return [{ path: jsonPointer(...base), message: 'must be an object of label keys to string values' }];
  }
  const problems: ValidationProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const path = jsonPointer(...base, key);
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) problems.push({ path, message: keyProblem });
    if (typeof value !== 'string') problems.push({ path, message: 'must be a string (quote numbers and booleans)' });
    else {
      const valueProblem = labelValueProblem(value);
      if (valueProblem) problems.push({ path, message: valueProblem });
    }
  }
  return problems;
}

/**
 * Reads an equality-based label selector (`tier=prod,region=eu`, also `==`), as `kubectl -l` writes it. Set-based
 * forms (`in`, `notin`, `!=`, bare keys) are refused by name: an environment filter that silently matched more
 * than asked would be worse than none.
 */
export function parseLabelSelector(text: string): { selector: Record<string, string> } | { problem: string } {
  const selector: Record<string, string> = {};
  for (const term of text.split(',').map((part) => part.trim())) {
    const match = /^([^=!\s]+)\s*==?\s*([^=!\s]*)$/.exec(term);
    if (!match) {
      return {
        problem: `${JSON.stringify(term.slice(0, 100))} is not key=value (only equality terms are supported: k=v,k2=v2)`,
      };
    }
    const [, key, value] = match as unknown as [string, string, string];
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) return { problem: `${JSON.stringify(term.slice(0, 100))}: ${problem}` };
    selector[key] = value;
  }
  return { selector };
}

/** Whether `labels` has every pair of `selector`. */
export function matchesLabels(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>) {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
