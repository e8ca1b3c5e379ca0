/**
 * Typo suggestions ("closest match", "did you mean"), one rule for the server's validation messages and the command
 * line: a candidate is suggested only when it is plausibly what was meant, never merely the least far of unrelated
 * names (`helm` suggests nothing, not `slb`).
 *
 * The distance is the optimal-string-alignment edit distance (Levenshtein plus the swap of two adjacent letters, the
 * most common typo: `rsd` is one edit from `rds`). It is written here because fastest-levenshtein, which this used
 * before, counts a swap as two edits, and the swap is the case that matters most for short names.
 */

/** Edits (insert, delete, substitute, swap two adjacent characters) turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // Three rows of the dynamic-programming table: the swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * Whether `candidate` is close enough to `name` to be offered as what was meant: at most one edit per three
 * characters of the longer of the two (at least one edit), or `name` (three characters or more) is the start of the
 * candidate, a name cut short (`DB_PASS` → `DB_PASSWORD`). Not the other way round: `namespace` is not a typo of
 * `name`. Case is ignored.
 */
export function isCloseMatch(name: string, candidate: string): boolean {
  const a = name.toLowerCase();
  const b = candidate.toLowerCase();
  if (a.length >= 3 && b.startsWith(a)) return true;
  return editDistance(a, b) <= Math.max(1, Math.floor(Math.max(a.length, b.length) / 3));
}

/** The close candidate (see isCloseMatch) fewest edits away from `name`, first listed on a tie; else undefined. */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name || !isCloseMatch(name, candidate)) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** "; closest match: x" when a candidate is close to `name`, else "" (for messages that list the candidates). */
export function closestMatchSuffix(name: string, candidates: readonly string[]): string {
  const match = closestMatch(name, candidates);
  return match === undefined ? '' : `; closest match: ${match}`;
}

/** " (did you mean x?)" when a candidate is close to `name`, else "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const match = closestMatch(name, candidates);
  return match === undefined ? '' : ` (did you mean ${match}?)`;
}
