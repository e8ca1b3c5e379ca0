import { ProviderError, ProviderErrorCode, type JsonObject } from '@berth/core';

/** `runtime.settings` of an environment whose runtime kind is `kubernetes`. */
export interface KubernetesRuntimeSettings {
  /** Path of a kubeconfig file. Without it (and without inCluster): $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** A context of that kubeconfig; its current context when absent. */
  context?: string;
  /** Use the pod's service account (Berth running inside the cluster). */
  inCluster?: boolean;
  /** Where the application's objects go. */
  namespace: string;
  /** How long deliver waits for workloads to roll out. Default 300. */
  rolloutTimeoutSeconds: number;
  /** Deadline of one API request. Default 30. */
  requestTimeoutSeconds: number;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KNOWN = new Set([
  'kubeconfig',
  'context',
  'inCluster',
  'namespace',
  'rolloutTimeoutSeconds',
  'requestTimeoutSeconds',
]);

function fail(message: string): never {
  throw new ProviderError(ProviderErrorCode.InvalidRequest, `kubernetes runtime settings: ${message}`);
}

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 86_400)
    fail(`${name} must be a number of seconds from 1 to 86400`);
  return value;
}

/** Reads and checks the settings; throws ProviderError(InvalidRequest) naming the bad field. */
export function parseKubernetesRuntimeSettings(settings: JsonObject | undefined): KubernetesRuntimeSettings {
  const raw = settings ?? {};
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) fail(`unknown setting "${key}"`);
  const { kubeconfig, context, inCluster, namespace } = raw;
  if (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    fail('namespace is required and must be a DNS-1123 label');
  }
  if (kubeconfig !== undefined && (typeof kubeconfig !== 'string' || kubeconfig === ''))
    fail('kubeconfig must be a file path');
  if (context !== undefined && (typeof context !== 'string' || context === ''))
    fail('context must be a non-empty string');
  if (inCluster !== undefined && typeof inCluster !== 'boolean') fail('inCluster must be true or false');
  if (inCluster && (kubeconfig !== undefined || context !== undefined))
    fail('inCluster excludes kubeconfig and context');
  return {
    ...(kubeconfig !== undefined ? { kubeconfig: kubeconfig as string } : {}),
    ...(context !== undefined ? { context: context as string } : {}),
    ...(inCluster !== undefined ? { inCluster: inCluster as boolean } : {}),
    namespace,
    rolloutTimeoutSeconds: seconds(raw.rolloutTimeoutSeconds, 'rolloutTimeoutSeconds', 300),
    requestTimeoutSeconds: seconds(raw.requestTimeoutSeconds, 'requestTimeoutSeconds', 30),
  };
}

/** The namespace manifests are rendered into for an environment's runtime: its namespace when it is Kubernetes. */
export function runtimeNamespace(runtime: { kind: string; settings: JsonObject }): string | undefined {
  const namespace = runtime.kind === 'kubernetes' ? runtime.settings?.namespace : undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}
