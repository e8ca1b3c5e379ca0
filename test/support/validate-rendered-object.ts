import { validateKubeObject } from '@berth/kube/testing';
import { validateEsoObject } from '../fixtures/external-secrets/validate-eso-object';

/**
 * Throws, naming every problem, unless `object` is valid against its official schema: Kubernetes' own for the built-in
 * kinds, External Secrets Operator's CRDs for the `external-secrets.io` ones the manifests view renders by default.
 */
export function validateRenderedObject(object: { apiVersion: string; kind: string; [field: string]: unknown }): void {
  if (object.apiVersion.startsWith('external-secrets.io/')) validateEsoObject(object);
  else validateKubeObject(object);
}
