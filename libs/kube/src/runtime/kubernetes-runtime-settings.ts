import { ProviderError, ProviderErrorCode, type JsonObject, type ValidationProblem } from '@berth/core';

/** `runtime.settings` of an environment whose runtime kind is `kubernetes`. */
export interface KubernetesRuntimeSettings {
  /**
   * Absolute path of a kubeconfig file, inside a directory the operator allows (BERTH_KUBECONFIG_DIRS). Without it
   * (and without kubeconfigEnv or inCluster): $KUBECONFIG, then ~/.kube/config of the service.
   */
  kubeconfig?: string;
  /** Name of an environment variable of the service that holds the kubeconfig itself (its YAML text). */
  kubeconfigEnv?: string;
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

/**
 * Settings that cannot be used, each problem at its field (`/kubeconfig`, `/namespace`, …: a JSON pointer relative to
 * `runtime.settings`), with a message that never quotes a file.
 */
export class KubernetesSettingsError extends ProviderError {
  constructor(readonly problems: ValidationProblem[]) {
    super(
      ProviderErrorCode.InvalidRequest,
      `kubernetes runtime settings: ${problems.map((problem) => problem.message).join('; ')}`,
    );
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const KUBERNETES_SETTINGS = [
  'kubeconfig',
  'kubeconfigEnv',
  'context',
  'inCluster',
  'namespace',
  'rolloutTimeoutSeconds',
  'requestTimeoutSeconds',
] as const;
const KNOWN: ReadonlySet<string> = new Set(KUBERNETES_SETTINGS);

function secondsProblem(value: unknown, name: string): ValidationProblem | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 86_400)
    return { path: `/${name}`, message: `${name} must be a number of seconds from 1 to 86400` };
  return undefined;
}

/** Every problem of the settings' shape (the kubeconfig itself is checked by loadKubeConfig). */
export function kubernetesSettingsProblems(settings: JsonObject | undefined): ValidationProblem[] {
  const raw = settings ?? {};
  const problems: ValidationProblem[] = [];
  const at = (name: string, message: string) => problems.push({ path: `/${name}`, message });
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key)) at(key, `unknown setting "${key.slice(0, 100)}" (known: ${KUBERNETES_SETTINGS.join(', ')})`);
  }
  const { kubeconfig, kubeconfigEnv, context, inCluster, namespace } = raw;
  if (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    at('namespace', 'namespace is required and must be a DNS-1123 label');
  }
  if (kubeconfig !== undefined && (typeof kubeconfig !== 'string' || !kubeconfig.startsWith('/')))
    at('kubeconfig', 'kubeconfig must be an absolute file path');
  if (kubeconfigEnv !== undefined && (typeof kubeconfigEnv !== 'string' || !ENV_NAME.test(kubeconfigEnv)))
    at('kubeconfigEnv', 'kubeconfigEnv must be the name of an environment variable (letters, digits and _)');
  if (kubeconfig !== undefined && kubeconfigEnv !== undefined)
    at('kubeconfigEnv', 'kubeconfigEnv excludes kubeconfig: give the kubeconfig as a file or as a variable');
  if (context !== undefined && (typeof context !== 'string' || context === ''))
    at('context', 'context must be a non-empty string');
  if (inCluster !== undefined && typeof inCluster !== 'boolean') at('inCluster', 'inCluster must be true or false');
  if (inCluster === true && (kubeconfig !== undefined || kubeconfigEnv !== undefined || context !== undefined))
    at('inCluster', 'inCluster excludes kubeconfig, kubeconfigEnv and context');
  for (const name of ['rolloutTimeoutSeconds', 'requestTimeoutSeconds']) {
    const problem = secondsProblem(raw[name], name);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Reads and checks the settings; throws KubernetesSettingsError naming every bad field. */
export function parseKubernetesRuntimeSettings(settings: JsonObject | undefined): KubernetesRuntimeSettings {
  const problems = kubernetesSettingsProblems(settings);
  if (problems.length) throw new KubernetesSettingsError(problems);
  const raw = settings ?? {};
  const { kubeconfig, kubeconfigEnv, context, inCluster } = raw;
  return {
    ...(kubeconfig !== undefined ? { kubeconfig: kubeconfig as string } : {}),
    ...(kubeconfigEnv !== undefined ? { kubeconfigEnv: kubeconfigEnv as string } : {}),
    ...(context !== undefined ? { context: context as string } : {}),
    ...(inCluster !== undefined ? { inCluster: inCluster as boolean } : {}),
    namespace: raw.namespace as string,
    rolloutTimeoutSeconds: (raw.rolloutTimeoutSeconds as number | undefined) ?? 300,
    requestTimeoutSeconds: (raw.requestTimeoutSeconds as number | undefined) ?? 30,
  };
}

/** The namespace manifests are rendered into for an environment's runtime: its namespace when it is Kubernetes. */
export function runtimeNamespace(runtime: { kind: string; settings: JsonObject }): string | undefined {
  const namespace = runtime.kind === 'kubernetes' ? runtime.settings?.namespace : undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}
