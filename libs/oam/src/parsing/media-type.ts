export type DocumentFormat = 'yaml' | 'json';

const YAML_MEDIA_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);
const JSON_MEDIA_TYPES = new Set(['application/json', 'text/json']);

/** The document format a Content-Type announces (parameters such as charset ignored), or undefined when neither. */
export function documentFormatOf(contentType: string | undefined): DocumentFormat | undefined {
  if (!contentType) return undefined;
  const [essence = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') return undefined;
  if (YAML_MEDIA_TYPES.has(essence) || essence.endsWith('+yaml')) return 'yaml';
  if (JSON_MEDIA_TYPES.has(essence) || essence.endsWith('+json')) return 'json';
  return undefined;
}
