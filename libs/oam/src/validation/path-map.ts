import { jsonPointer } from '@berth/core';

type Segments = ReadonlyArray<string | number>;

/**
 * Maps paths inside a component's canonical properties back to where the user wrote them (an alias property name, a
 * field given at component level), so every problem points into the submitted document. Longest prefix wins.
 */
export class PathMap {
  private readonly entries: Array<{ from: string[]; to: Array<string | number> }> = [];

  constructor(private readonly base: Segments) {}

  map(from: Segments, to: Segments): void {
    this.entries.push({ from: from.map(String), to: [...to] });
  }

  segments(path: Segments): Array<string | number> {
    const canonical = path.map(String);
    let best: { from: string[]; to: Array<string | number> } | undefined;
    for (const entry of this.entries) {
      if (entry.from.length > canonical.length || (best && best.from.length >= entry.from.length)) continue;
      if (entry.from.every((segment, i) => segment === canonical[i])) best = entry;
    }
    return best ? [...best.to, ...path.slice(best.from.length)] : [...this.base, ...path];
  }

  pointer(path: Segments): string {
    return jsonPointer(...this.segments(path));
  }
}

/** Splits a JSON pointer ("/a/b~1c") into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
