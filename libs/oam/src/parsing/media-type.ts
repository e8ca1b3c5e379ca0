export type DocumentFormat = 'yaml' | 'json';

/** The media types an Application document is sent and documented as (the YAML spellings first: YAML is what people write). */
export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'] as const;
export const JSON_MEDIA_TYPES = ['application/json'] as const;
export const DOCUMENT_MEDIA_TYPES = [...YAML_MEDIA_TYPES, ...JSON_MEDIA_TYPES] as const;

/** What the parser also reads a document as (older spellings), beyond the documented ones. */
const YAML_ESSENCES = new Set<string>([...YAML_MEDIA_TYPES, 'text/x-yaml']);
const JSON_ESSENCES = new Set<string>([...JSON_MEDIA_TYPES, 'text/json']);

/** The document format a Content-Type announces (parameters such as charset ignored), or undefined when neither. */
export function documentFormatOf(contentType: string | undefined): DocumentFormat | undefined {
  if (!contentType) return undefined;
  const [essence = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') return undefined;
  if (YAML_ESSENCES.has(essence) || essence.endsWith('+yaml')) return 'yaml';
  if (JSON_ESSENCES.has(essence) || essence.endsWith('+json')) return 'json';
  return undefined;
}
