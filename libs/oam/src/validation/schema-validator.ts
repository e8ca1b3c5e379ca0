import { didYouMean, type JsonObject, type TypeDescriptor } from '@berth/core';
import { PATTERN_HINTS } from '@berth/types';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { pointerSegments } from './path-map';

export interface SchemaProblem {
  /** Path segments relative to the validated properties. */
  segments: string[];
  message: string;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true });
const validators = new Map<string, ValidateFunction>();

function validatorFor(definition: TypeDescriptor): ValidateFunction {
  let validate = validators.get(definition.name);
  if (!validate) {
    validate = ajv.compile(definition.schema);
    validators.set(definition.name, validate);
  }
  return validate;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Where a schema-level property list is described, for "is not a known property of <label>". */
export interface KnownProperties {
  /** What the top level is called (the type as written, e.g. "alibaba-rds"). */
  label: string;
  /** Property names to list at the top level (alias names under an alias type). */
  topLevel: string[];
}

function translate(error: ErrorObject, known: KnownProperties): SchemaProblem | undefined {
  const segments = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported by the failing inner keyword, which carries the property name
    case 'required':
      return { segments: [...segments, String(params.missingProperty)], message: 'is required' };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const parent = (error.parentSchema ?? {}) as JsonObject;
      const names = segments.length === 0 ? known.topLevel : Object.keys((parent.properties ?? {}) as JsonObject);
      const label = segments.length === 0 ? known.label : segments.filter((s) => !/^[0-9]+$/.test(s)).pop()!;
      return {
        segments: [...segments, name],
        message: `is not a known property of ${label}; known: ${names.join(', ')}${didYouMean(name, names)}`,
      };
    }
    case 'enum':
      return { segments, message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'const':
      return { segments, message: `must be ${String(params.allowedValue)}` };
    case 'type': {
      const types = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(',');
      return { segments, message: `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}` };
    }
    case 'pattern': {
      const hint = PATTERN_HINTS[String(params.pattern)] ?? `text matching ${String(params.pattern)}`;
      if (error.propertyName !== undefined) {
        return { segments: [...segments, error.propertyName], message: `is not a valid name: must be ${hint}` };
      }
      return { segments, message: `must be ${hint}` };
    }
    case 'minimum':
      return { segments, message: `must be at least ${String(params.limit)}` };
    case 'maximum':
      return { segments, message: `must be at most ${String(params.limit)}` };
    case 'exclusiveMinimum':
      return { segments, message: `must be greater than ${String(params.limit)}` };
    case 'exclusiveMaximum':
      return { segments, message: `must be less than ${String(params.limit)}` };
    case 'minLength':
      return { segments, message: `must be at least ${plural(Number(params.limit), 'character')} long` };
    case 'maxLength':
      return { segments, message: `must be at most ${plural(Number(params.limit), 'character')} long` };
    case 'minItems':
      return { segments, message: `must have at least ${plural(Number(params.limit), 'item')}` };
    case 'maxItems':
      return { segments, message: `must have at most ${plural(Number(params.limit), 'item')}` };
    case 'minProperties':
      return {
        segments,
        message: `must have at least ${plural(Number(params.limit), 'entry')}`.replace('entrys', 'entries'),
      };
    case 'maxProperties':
      return {
        segments,
        message: `must have at most ${plural(Number(params.limit), 'entry')}`.replace('entrys', 'entries'),
      };
    case 'uniqueItems':
      return {
        segments,
        message: `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`,
      };
    default:
      return { segments, message: error.message ?? `is invalid (${error.keyword})` };
  }
}

/**
 * Validates `data` against a definition's schema, filling in defaults (it mutates `data`), and returns every problem
 * in plain words. Values are never echoed back, so a secret cannot leak through a message.
 */
export function validateAgainstSchema(
  definition: TypeDescriptor,
  data: JsonObject,
  known: KnownProperties,
): SchemaProblem[] {
  const validate = validatorFor(definition);
  if (validate(data)) return [];
  const problems: SchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = translate(error, known);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Property names a definition's schema declares at the top level. */
export function schemaPropertyNames(definition: TypeDescriptor): string[] {
  return Object.keys((definition.schema.properties ?? {}) as JsonObject);
}
