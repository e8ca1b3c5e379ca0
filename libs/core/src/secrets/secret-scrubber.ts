export const SCRUBBED = '***';

/**
 * Replaces every known secret value in a string with `***`: the value as is, URL-encoded (as it appears inside a
 * connection URL or a query string) and JSON-escaped (as it appears inside a serialized payload). Longer values are
 * replaced first, so a secret that contains another is hidden whole.
 */
export class SecretScrubber {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;
  private dirty = false;

  constructor(values: Iterable<string> = []) {
    this.addAll(values);
  }

  /** Registers a secret value (empty strings are ignored: they would match everywhere). */
  add(value: string): this {
    if (typeof value !== 'string' || value.length === 0) return this;
    for (const form of encodedForms(value)) {
      if (!this.values.has(form)) {
        this.values.add(form);
        this.dirty = true;
      }
    }
    return this;
  }

  addAll(values: Iterable<string>): this {
    for (const value of values) this.add(value);
    return this;
  }

  get size(): number {
    return this.values.size;
  }

  scrub(text: string): string {
    if (this.values.size === 0 || text.length === 0) return text;
    return text.replace(this.regex(), SCRUBBED);
  }

  /** A deep copy of a JSON-like value with every string scrubbed (object keys are left alone). */
  scrubValue<T>(value: T): T {
    if (this.values.size === 0) return value;
    return this.scrubDeep(value, 0) as T;
  }

  private scrubDeep(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (depth > 32 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.scrubDeep(item, depth + 1));
    if (value instanceof Error) return this.scrub(value.message);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.scrubDeep(item, depth + 1);
    return copy;
  }

  private regex(): RegExp {
    if (!this.pattern || this.dirty) {
      const alternatives = [...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join('|'), 'g');
      this.dirty = false;
    }
    return this.pattern;
  }
}

function encodedForms(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(value));
    forms.add(encodeURI(value));
    forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  } catch {
    // A lone surrogate cannot be URL-encoded; the raw form is still scrubbed.
  }
  return [...forms];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
