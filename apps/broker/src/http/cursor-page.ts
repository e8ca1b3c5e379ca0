import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { badQuery, integerQuery, stringQuery } from './query-params';

/** A page key: the sort key of the last item of the previous page (a name, a number, or a tuple of them). */
export type PageKey = string | number | Array<string | number>;

/** An opaque cursor: the key of the last item served, base64url JSON. */
export function encodeCursor(after: PageKey): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

/** The key a cursor carries, checked by `accept`; a 400 naming `name` when it is not one this route handed out. */
export function decodeCursor<K extends PageKey>(name: string, token: string, accept: (key: unknown) => key is K): K {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (parsed && accept(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw badQuery(name, 'must be a cursor from a previous page (the `next` field)');
}

export interface PageRequest<K extends PageKey> {
  limit: number;
  after?: K;
}

/** Reads `?limit=&cursor=` (and a legacy alias of `cursor`, e.g. `continue`, when given). */
export function pageQuery<K extends PageKey>(
  query: Record<string, unknown>,
  options: { defaultLimit: number; maxLimit: number; accept: (key: unknown) => key is K; alias?: string },
): PageRequest<K> {
  const limit = integerQuery('limit', query.limit, { min: 1, max: options.maxLimit, fallback: options.defaultLimit });
  const names = ['cursor', ...(options.alias ? [options.alias] : [])];
  for (const name of names) {
    const token = stringQuery(name, query[name]);
    if (token !== undefined) return { limit, after: decodeCursor(name, token, options.accept) };
  }
  return { limit };
}

/** `next` for a page read with one item more than `limit`: present when that extra item exists. */
export function nextCursor<T>(rows: T[], limit: number, key: (item: T) => PageKey): string | undefined {
  return rows.length > limit ? encodeCursor(key(rows[limit - 1])) : undefined;
}

/** The `limit` and `cursor` query parameters of a key-paged list, in the OpenAPI document. */
export function ApiCursorPage(options: { defaultLimit: number; maxLimit: number }): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      type: Number,
      description: `Page size, 1-${options.maxLimit} (default ${options.defaultLimit})`,
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      type: String,
      description: 'The `next` cursor of the previous page (opaque); absent for the first page',
    }),
  );
}

export const isString = (key: unknown): key is string => typeof key === 'string';
export const isInteger = (key: unknown): key is number => Number.isSafeInteger(key) && (key as number) >= 0;
export const isStringPair = (key: unknown): key is [string, string] =>
  Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string');
