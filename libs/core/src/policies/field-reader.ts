import { jsonPointer, type ValidationProblem } from '../errors';
import type { JsonObject } from '../model';
import { describeValue, isPlainObject } from './json-values';

type Segment = string | number;

/**
 * Reads typed fields out of a parsed document, collecting a `{path, message}` problem (JSON pointer into the document)
 * for each field that is missing, of the wrong shape, or not one Berth knows. Each read returns undefined on a problem.
 */
export class FieldReader {
  constructor(readonly problems: ValidationProblem[] = []) {}

  problem(at: readonly Segment[], message: string): void {
    this.problems.push({ path: jsonPointer(...at), message });
  }

  object(value: unknown, at: readonly Segment[], what: string): JsonObject | undefined {
    if (isPlainObject(value)) return value;
    this.problem(at, `must be a mapping (${what}), found ${describeValue(value)}`);
    return undefined;
  }

  /** Refuses every key of `object` not in `known`, naming it: Berth never accepts and ignores a field. */
  onlyFields(object: JsonObject, known: readonly string[], at: readonly Segment[], what: string): void {
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) {
        this.problem([...at, key], `is not a field of ${what}; expected one of: ${known.join(', ')}`);
      }
    }
  }

  string(value: unknown, at: readonly Segment[]): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    this.problem(at, value === undefined ? 'is required' : `must be a non-empty string, found ${describeValue(value)}`);
    return undefined;
  }

  optionalString(value: unknown, at: readonly Segment[]): string | undefined {
    return value === undefined ? undefined : this.string(value, at);
  }

  boolean(value: unknown, at: readonly Segment[], fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.problem(at, `must be true or false, found ${describeValue(value)}`);
    return fallback;
  }

  integer(value: unknown, at: readonly Segment[], min: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
    this.problem(at, `must be a whole number of at least ${min}, found ${JSON.stringify(value)}`);
    return undefined;
  }

  oneOf<T extends string>(value: unknown, at: readonly Segment[], allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(at, `must be one of ${allowed.join(', ')}, found ${JSON.stringify(value)}`);
    return fallback;
  }

  list(value: unknown, at: readonly Segment[]): unknown[] | undefined {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value;
    this.problem(at, `must be a list, found ${describeValue(value)}`);
    return undefined;
  }

  strings(value: unknown, at: readonly Segment[]): string[] | undefined {
    const list = this.list(value, at);
    if (!list) return undefined;
    const strings: string[] = [];
    list.forEach((item, i) => {
      const text = this.string(item, [...at, i]);
      if (text !== undefined) strings.push(text);
    });
    return strings;
  }

  labels(value: unknown, at: readonly Segment[]): Record<string, string> | undefined {
    if (value === undefined) return undefined;
    const object = this.object(value, at, 'labels: name to value');
    if (!object) return undefined;
    const labels: Record<string, string> = {};
    for (const [key, item] of Object.entries(object)) {
      if (typeof item === 'string') labels[key] = item;
      else this.problem([...at, key], `must be a string label value, found ${describeValue(item)}`);
    }
    return labels;
  }
}
