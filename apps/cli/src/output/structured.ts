import { stringify } from 'yaml';

export type StructuredFormat = 'json' | 'yaml';

export const STRUCTURED_FORMATS: readonly StructuredFormat[] = ['json', 'yaml'];

/** The machine-readable rendering behind `-o json|yaml`. */
export function formatStructured(value: unknown, format: StructuredFormat): string {
  return format === 'json' ? JSON.stringify(value, null, 2) + '\n' : stringify(value, { lineWidth: 0 });
}
