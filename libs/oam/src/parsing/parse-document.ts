import type { ValidationProblem } from '@berth/core';
import { parseAllDocuments } from 'yaml';
import { OamError, OamErrorCode } from '../errors/oam.error';
import { checkStructureLimits } from '../validation/structure-limits';
import type { ParseOptions } from '../oam.types';
import { documentFormatOf } from './media-type';
import { findNestingViolation } from './nesting-guard';
import { describePosition } from './source-position';

export const DEFAULT_MAX_ALIASES = 100;
export const DEFAULT_MAX_DEPTH = 64;

function malformed(message: string, problems: ValidationProblem[] = [{ path: '', message }]): OamError {
  return new OamError(OamErrorCode.Malformed, message, problems);
}

function decode(body: string | Buffer): string {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw malformed('the body is not valid UTF-8 text');
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Deepest bracket nesting of JSON text (strings skipped), stopping at the first offset beyond the limit. */
function jsonDepthViolation(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

function parseJson(text: string, maxDepth: number): unknown {
  const tooDeep = jsonDepthViolation(text, maxDepth);
  if (tooDeep !== undefined) {
    throw malformed(`${describePosition(text, tooDeep)}: the document nests deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const where = position ? `${describePosition(text, Number(position[1]))}: ` : '';
    throw malformed(`${where}invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`);
  }
}

function yamlProblemMessage(error: {
  message: string;
  linePos?: [{ line: number; col: number }, ...unknown[]];
}): string {
  const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ${first}` : first;
}

function parseYaml(text: string, maxDepth: number, maxAliases: number): unknown {
  const violation = findNestingViolation(text, maxDepth, maxAliases);
  if (violation) {
    const where = describePosition(text, violation.offset);
    throw malformed(
      violation.reason === 'depth'
        ? `${where}: the document nests deeper than ${maxDepth} levels`
        : `${where}: the document uses more than ${maxAliases} aliases`,
    );
  }
  const documents = parseAllDocuments(text, { version: '1.2', uniqueKeys: true, prettyErrors: true, strict: true });
  const list = Array.isArray(documents) ? documents : [];
  if (list.length !== 1) {
    throw malformed(
      list.length === 0
        ? 'the body holds no YAML document; expected one Application'
        : `the body holds ${list.length} YAML documents; send exactly one Application per request`,
    );
  }
  const document = list[0]!;
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({ path: '', message: yamlProblemMessage(error) }));
    throw malformed(`invalid YAML: ${problems[0]!.message}`, problems);
  }
  try {
    return document.toJS({ maxAliasCount: maxAliases }) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      throw malformed(
        `the document expands its aliases beyond the limit of ${maxAliases} (an entity-expansion attack?)`,
      );
    }
    throw malformed(`invalid YAML: ${message}`);
  }
}

/** Parses one YAML 1.2 or JSON document within limits. Throws OamError. */
export function parseDocument(body: string | Buffer, options: ParseOptions): unknown {
  const format = documentFormatOf(options.contentType);
  if (!format) {
    throw new OamError(
      OamErrorCode.UnsupportedMediaType,
      `unsupported content type "${options.contentType}"; send application/yaml or application/json (UTF-8)`,
    );
  }
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (size > options.maxBytes) {
    throw new OamError(
      OamErrorCode.PayloadTooLarge,
      `the body is ${size} bytes; the limit is ${options.maxBytes} bytes`,
    );
  }
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAliases = options.maxAliases ?? DEFAULT_MAX_ALIASES;
  const text = decode(body);
  if (text.trim() === '') throw malformed('the body is empty; expected one Application document');
  const value = format === 'json' ? parseJson(text, maxDepth) : parseYaml(text, maxDepth, maxAliases);
  const structure = checkStructureLimits(value, maxDepth);
  if (structure) throw malformed(structure.message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw malformed(`the document must be a mapping (an Application object), found ${found}`);
  }
  return value;
}
