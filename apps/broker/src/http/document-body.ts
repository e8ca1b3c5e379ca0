import { parseDocument } from '@berth/oam';
import type { Request } from 'express';
import { DOCUMENT_MEDIA_TYPES } from '@berth/oam';
import { type RawBody, readRawBody } from './raw-body.reader';

/** Reads a YAML or JSON request body within the size limit and parses it (YAML 1.2 / JSON, alias and depth limits). */
export async function readDocument(request: Request, maxBytes: number): Promise<{ raw: RawBody; document: unknown }> {
  const raw = await readRawBody(request, { maxBytes, accept: DOCUMENT_MEDIA_TYPES });
  const document = parseDocument(raw.text, { contentType: raw.contentType, maxBytes });
  return { raw, document };
}
