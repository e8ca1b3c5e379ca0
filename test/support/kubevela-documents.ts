import type { ValidationProblem } from '@berth/core';
import { validateApplication } from '@berth/oam';
import { parse } from 'yaml';

/** An Application named `app` with these components (YAML lines indented under `components:`). */
export const kubeVelaApp = (components: string): string => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
${components}`;

/** Validates a KubeVela document as written; throws with every problem when it is refused. */
export function accepted(yaml: string) {
  const result = validateApplication(parse(yaml));
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result;
}

/** The problems of a document that must be refused; throws when it is accepted. */
export function refused(yaml: string): ValidationProblem[] {
  const result = validateApplication(parse(yaml));
  if (result.ok) throw new Error('expected the document to be refused');
  return result.problems;
}
