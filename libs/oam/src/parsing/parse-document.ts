import { jsonPointer, type ValidationProblem } from '@berth/core';
import { type JSONPath, visit } from 'jsonc-parser';
import { CORE_SCHEMA, loadAll as loadAllYaml, YAMLException, type LoadOptions } from 'js-yaml';
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

/**
 * The first key that repeats within one JSON object, with the path of that object. JSON.parse keeps the last value
 * of a repeated key without a word, so two spellings of one document could mean different things to different
 * readers; YAML refuses them, and so does this. jsonc-parser's visitor reports each property (decoded, so
 * `"pass\u0077ord"` and `"password"` are the same key) with the path of its object.
 */
function duplicateJsonKey(text: string): { key: string; path: JSONPath; offset: number } | undefined {
  const open: Array<Set<string>> = [];
  let found: { key: string; path: JSONPath; offset: number } | undefined;
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key, offset, _length, _line, _column, path) => {
      const keys = open[open.length - 1];
      if (found || !keys) return;
      if (keys.has(key)) found = { key, path: path(), offset };
      else keys.add(key);
    },
  });
  return found;
}

function parseJson(text: string, maxDepth: number): unknown {
  const tooDeep = jsonDepthViolation(text, maxDepth);
  if (tooDeep !== undefined) {
    throw malformed(`${describePosition(text, tooDeep)}: the document nests deeper than ${maxDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const where = position ? `${describePosition(text, Number(position[1]))}: ` : '';
    throw malformed(`${where}invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`);
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate) {
    const shown = JSON.stringify(duplicate.key.length > 100 ? `${duplicate.key.slice(0, 100)}…` : duplicate.key);
    const message = `${describePosition(text, duplicate.offset)}: duplicate key ${shown}: keys of an object must be unique`;
    throw malformed(`invalid JSON: ${message}`, [
      { path: jsonPointer(...duplicate.path.map(String), duplicate.key), message },
    ]);
  }
  return value;
}

function yamlProblemMessage(error: YAMLException): string {
  const raw = error.reason || error.message.split('\n')[0]!;
  const reason = raw === 'duplicated mapping key' ? 'duplicate key: keys of a mapping must be unique' : raw;
  const mark = error.mark;
  return mark ? `line ${mark.line + 1}, column ${mark.column + 1}: ${reason}` : reason;
}

/**
 * Parses YAML 1.2 (core schema: no timestamps, no merge keys, duplicate keys refused). The lexer guard runs first and
 * bounds nesting and alias count, so the parser never sees a document that could exhaust the stack; aliases come out
 * as shared references, and `expansionLimit` bounds how far they may multiply the tree when it is walked.
 *
 * js-yaml does the parsing because it is about ten times faster than the `yaml` package on Application-sized
 * documents (0.8 ms against 7.5 ms for 10 KB), which keeps a 50-component apply within its validation budget.
 */
/** `maxDepth` exists in js-yaml 4.3 but not yet in its type definitions. */
function yamlOptions(maxDepth: number): LoadOptions {
  const options: LoadOptions & { maxDepth: number } = { schema: CORE_SCHEMA, json: false, maxDepth: maxDepth + 1 };
  return options;
}

function parseYaml(text: string, maxDepth: number, maxAliases: number): unknown {
  // Aliases are the one way to make a small text expand; a text without '*' has none, so the exact (slower) lexer
  // scan only runs when one could be there. Depth is bounded by the parser itself.
  const violation = text.includes('*') ? findNestingViolation(text, maxDepth, maxAliases) : undefined;
  if (violation) {
    const where = describePosition(text, violation.offset);
    throw malformed(
      violation.reason === 'depth'
        ? `${where}: the document nests deeper than ${maxDepth} levels`
        : `${where}: the document uses more than ${maxAliases} aliases`,
    );
  }
  let documents: unknown[];
  try {
    documents = loadAllYaml(text, undefined, yamlOptions(maxDepth));
  } catch (error) {
    if (error instanceof YAMLException) {
      if (error.reason?.startsWith('nesting exceeded maxDepth') && error.mark) {
        throw malformed(
          `line ${error.mark.line + 1}, column ${error.mark.column + 1}: the document nests deeper than ${maxDepth} levels`,
        );
      }
      const message = yamlProblemMessage(error);
      throw malformed(`invalid YAML: ${message}`, [{ path: '', message }]);
    }
    throw malformed(`invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (documents.length > 1) {
    throw malformed(`the body holds ${documents.length} YAML documents; send exactly one Application per request`);
  }
  if (documents.length === 0 || documents[0] === undefined) {
    throw malformed('the body holds no YAML document; expected one Application');
  }
  return documents[0];
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
  // Aliases share nodes; a walk that visits far more nodes than the text could spell out is an expansion attack.
  const structure = checkStructureLimits(value, maxDepth, 2 * text.length + 10_000);
  if (structure) throw malformed(structure.message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw malformed(`the document must be a mapping (an Application object), found ${found}`);
  }
  return value;
}
