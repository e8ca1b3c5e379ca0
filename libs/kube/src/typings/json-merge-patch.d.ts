/** Types of the `json-merge-patch` package (RFC 7386/7396), which ships none. */
declare module 'json-merge-patch' {
  /** Applies a merge patch to (a clone of) the target and returns the result. */
  export function apply(target: unknown, patch: unknown): unknown;
  export function generate(before: unknown, after: unknown): unknown;
  export function merge(patch1: unknown, patch2: unknown): unknown;
  const jsonMergePatch: { apply: typeof apply; generate: typeof generate; merge: typeof merge };
  export default jsonMergePatch;
}
