/** Replaces every occurrence of the given secret values (and their URL-encoded forms) with `***`. */
export function createScrubber(secrets: Iterable<string>): (text: string) => string {
  const values = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < 4) continue;
    values.add(s);
    values.add(encodeURIComponent(s));
  }
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of sorted) out = out.split(v).join('***');
    return out;
  };
}
