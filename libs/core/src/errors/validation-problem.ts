/** One problem found in an input, located by a JSON pointer (RFC 6901) into the submitted document. */
export interface ValidationProblem {
  path: string;
  message: string;
}

export function jsonPointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
