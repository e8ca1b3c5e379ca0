/** A Kubernetes object as plain JSON (what is applied and what the YAML stream prints). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** The kinds Berth renders, in the order they are applied (and the reverse order of removal within a group). */
export const WORKLOAD_KINDS = [
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'batch/v1', kind: 'Job' },
] as const;
export const SECRET_KIND = { apiVersion: 'v1', kind: 'Secret' } as const;

export function objectKey(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${object.kind}/${object.metadata.name}`;
}
