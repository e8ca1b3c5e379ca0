import { jsonPointer } from '@berth/core';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';

type QueryValue = unknown;

function bad(name: string, message: string): BrokerError {
  return new BrokerError(BrokerErrorCode.BadRequest, `query parameter ${name} ${message}`, [
    { path: jsonPointer('query', name), message },
  ]);
}

function single(name: string, value: QueryValue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(name, 'must be given once, as a plain value');
  return value;
}

export function booleanQuery(name: string, value: QueryValue, fallback = false): boolean {
  const text = single(name, value);
  if (text === undefined) return fallback;
  // A bare `?dryRun` is refused rather than guessed: read as false it would turn a dry run into a real apply.
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw bad(name, 'must be true or false');
}

export function integerQuery(
  name: string,
  value: QueryValue,
  range: { min: number; max: number; fallback: number },
): number {
  const text = single(name, value);
  if (text === undefined || text === '') return range.fallback;
  if (!/^\d{1,9}$/.test(text)) throw bad(name, `must be an integer between ${range.min} and ${range.max}`);
  const number = Number(text);
  if (number < range.min || number > range.max)
    throw bad(name, `must be an integer between ${range.min} and ${range.max}`);
  return number;
}

export function enumQuery<T extends string>(name: string, value: QueryValue, allowed: readonly T[]): T | undefined {
  const text = single(name, value);
  if (text === undefined || text === '') return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw bad(name, `must be one of ${allowed.join(', ')}`);
  return text as T;
}

export function stringQuery(name: string, value: QueryValue, maxLength = 1024): string | undefined {
  const text = single(name, value);
  if (text === undefined || text === '') return undefined;
  if (text.length > maxLength) throw bad(name, `must be at most ${maxLength} characters`);
  return text;
}

export { bad as badQuery };
