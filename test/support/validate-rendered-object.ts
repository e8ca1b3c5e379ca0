import type { KubeObject } from '@berth/kube';
import { validateKubeObject } from '@berth/kube/testing';
import { validateEsoObject } from '../fixtures/external-secrets/validate-eso-object';

/**
 * Throws, naming every problem, unless `object` is valid against its official schema: Kubernetes' own for the built-in
 * kinds, External Secrets Operator's CRDs for the `external-secrets.io` ones the manifests view renders by default.
 */
export function validateRenderedObject(object: KubeObject): void {
  if (object.apiVersion.startsWith('external-secrets.io/')) validateEsoObject(object as never);
  else validateKubeObject(object);
}
