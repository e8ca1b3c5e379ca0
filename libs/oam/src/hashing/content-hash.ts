import { createHash } from 'node:crypto';
import { canonicalJson } from '@berth/core';

/** Stable hash of a normalized document (sha256 hex of its canonical JSON). */
export function contentHash(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}
