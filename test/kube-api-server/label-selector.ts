/**
 * Kubernetes label selectors in their query-string form: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`
 * (exists), `!k` (does not exist), joined by commas (all must hold).
 */
export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;

export class LabelSelectorError extends Error {}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, requirement: string): string {
  if (!KEY.test(key))
    throw new LabelSelectorError(`unable to parse requirement: invalid label key "${key}" in "${requirement}"`);
  return key;
}

function checkValue(value: string, requirement: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw new LabelSelectorError(`unable to parse requirement: invalid label value "${value}" in "${requirement}"`);
  }
  return value;
}

function requirement(text: string): LabelPredicate {
  let match = /^!\s*(\S+)$/.exec(text);
  if (match) {
    const key = checkKey(match[1]!, text);
    return (labels) => labels?.[key] === undefined;
  }
  match = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (match) {
    const key = checkKey(match[1]!, text);
    const values = new Set(match[3]!.split(',').map((v) => checkValue(v.trim(), text)));
    if (match[2] === 'in') return (labels) => labels?.[key] !== undefined && values.has(labels[key]!);
    return (labels) => labels?.[key] === undefined || !values.has(labels[key]!);
  }
  match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (match) {
    const key = checkKey(match[1]!, text);
    const value = checkValue(match[3]!, text);
    if (match[2] === '!=') return (labels) => labels?.[key] !== value;
    return (labels) => labels?.[key] === value;
  }
  const key = checkKey(text, text);
  return (labels) => labels?.[key] !== undefined;
}

/** Parses a selector; throws LabelSelectorError (the server answers 400 BadRequest) when it does not parse. */
export function parseLabelSelector(selector: string | undefined | null): LabelPredicate {
  if (!selector || selector.trim() === '') return () => true;
  const predicates = splitTopLevel(selector).map(requirement);
  return (labels) => predicates.every((predicate) => predicate(labels));
}
