import { closest, distance } from 'fastest-levenshtein';

/** The candidate nearest to `name` by edit distance, when there is any candidate. */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  return candidates.length === 0 ? undefined : closest(name, [...candidates]);
}

/** " (did you mean x?)" when a candidate is plausibly a typo of `name`, else "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const match = closestMatch(name, candidates);
  if (match === undefined) return '';
  return distance(name.toLowerCase(), match.toLowerCase()) <= Math.max(2, Math.floor(match.length / 3))
    ? ` (did you mean ${match}?)`
    : '';
}
