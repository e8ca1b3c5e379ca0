import { isDeepStrictEqual } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { documentFormatOf } from '../parsing/media-type';
import { parseDocument } from '../parsing/parse-document';
import { redactDocument } from './redact-document';

export interface RedactSourceOptions {
  /** The Content-Type the text came with (decides how it is read back). */
  contentType: string;
  /** The secret values the parsed document holds (e.g. the rds password as given); none may survive. */
  secrets: readonly string[];
}

/** Parses as the service read the request, or undefined when the text does not parse. */
function read(text: string, contentType: string): unknown {
  try {
    return parseDocument(text, { contentType, maxBytes: Number.MAX_SAFE_INTEGER });
  } catch {
    return undefined;
  }
}

/**
 * The original text of a document with its secrets taken out, safe to store. Redaction works on the text, keeping
 * layout and comments, and then the result is checked: read back with the request's own parser it must be exactly
 * the parsed document with its secret properties redacted, and no secret value may occur in it anywhere (a comment,
 * an anchor, an escape sequence the text-level redaction missed). When either fails, what is stored is the redacted
 * parsed document serialized again (YAML or JSON, as it came) — the parsed document, not its spelling, decides
 * what is secret.
 */
export function redactSourceText(text: string, options: RedactSourceOptions): string {
  const parsed = read(text, options.contentType);
  if (parsed === undefined) return '';
  const expected = redactDocument(parsed);
  const secrets = options.secrets.filter((secret) => secret !== '');
  let candidate: string | undefined;
  try {
    candidate = redactDocument(text);
  } catch {
    candidate = undefined;
  }
  if (
    candidate !== undefined &&
    !secrets.some((secret) => candidate.includes(secret)) &&
    isDeepStrictEqual(read(candidate, options.contentType), expected)
  ) {
    return candidate;
  }
  return documentFormatOf(options.contentType) === 'json'
    ? `${JSON.stringify(expected, null, 2)}\n`
    : stringifyYaml(expected, { version: '1.2', aliasDuplicateObjects: false });
}
