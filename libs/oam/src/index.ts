/**
 * PUBLIC CONTRACT of @berth/oam (stub; the implementation replaces the bodies, keeping these names and shapes —
 * it may add exports).
 */
import type { ApplicationSpec, JsonObject, ValidationProblem } from '@berth/core';

export enum OamErrorCode {
  /** Body larger than the limit → HTTP 413. */
  PayloadTooLarge = 'PayloadTooLarge',
  /** Content type neither YAML nor JSON → HTTP 415. */
  UnsupportedMediaType = 'UnsupportedMediaType',
  /** Not parseable: syntax error, several documents, alias/depth limits → HTTP 422 (400 is fine too) with problems. */
  Malformed = 'Malformed',
  /** Parsed but invalid → HTTP 422 with every problem. */
  Invalid = 'Invalid',
}

export class OamError extends Error {
  constructor(
    readonly code: OamErrorCode,
    message: string,
    readonly problems: ValidationProblem[] = [],
  ) {
    super(message);
  }
}

export interface ParseOptions {
  /** The request's Content-Type (parameters allowed): application/yaml, application/x-yaml, text/yaml, application/json. */
  contentType: string;
  maxBytes: number;
  maxAliases?: number;
  maxDepth?: number;
}

/** Parses one YAML 1.2 or JSON document within limits. Throws OamError. */
export function parseDocument(_body: string | Buffer, _options: ParseOptions): unknown {
  throw new Error('not implemented');
}

export interface ValidationContext {
  /** Names of provider profiles a component may select with providerRef.name, beyond the environment's default. */
  profileNames?: string[];
  /** Extra checks contributed by the target environment (e.g. its provider's validateComponent). */
  componentChecks?: Array<(component: { name: string; type: string; properties: JsonObject }) => ValidationProblem[]>;
}

export type ValidationResult =
  | {
      ok: true;
      /** The normalized application the engine plans from. */
      application: ApplicationSpec;
      /** The normalized Application as an OAM document (canonical types and property names, defaults applied). */
      document: JsonObject;
    }
  | { ok: false; problems: ValidationProblem[] };

/** Validates a parsed document completely and reports every problem at once. */
export function validateApplication(_document: unknown, _context?: ValidationContext): ValidationResult {
  throw new Error('not implemented');
}

/** A copy of a (normalized or original) document with every secret-valued property replaced by "<redacted>". */
export function redactDocument<T>(_document: T): T {
  throw new Error('not implemented');
}

/** Stable hash of a normalized document (sha256 hex of its canonical JSON). */
export function contentHash(_document: unknown): string {
  throw new Error('not implemented');
}

export interface DefinitionSummary {
  name: string;
  kind: 'component' | 'trait';
  category: 'cloud' | 'workload' | 'trait';
  aliases: string[];
  description: string;
}

export interface Definition extends DefinitionSummary {
  schema: JsonObject;
  connectionKeys: Array<{ name: string; sensitive: boolean; description: string }>;
  /** A Markdown table of the properties, as `vela show` prints. */
  markdown: string;
}

export function listDefinitions(): DefinitionSummary[] {
  throw new Error('not implemented');
}

/** By canonical name or alias; undefined when unknown. */
export function getDefinition(_typeOrAlias: string): Definition | undefined {
  throw new Error('not implemented');
}
