import { jsonPointer, type RuntimeSpec, type ValidationProblem } from '@berth/core';
import { KUBERNETES_RUNTIME_KIND, KubernetesWorkloadRuntime } from '@berth/kube';

const KUBERNETES_FIELDS = [
  'kubeconfig',
  'context',
  'inCluster',
  'namespace',
  'rolloutTimeoutSeconds',
  'requestTimeoutSeconds',
];
const PREFIX = 'kubernetes runtime settings: ';

/** The settings field a Kubernetes runtime settings error is about (its messages start with the field's name). */
function fieldOf(message: string): string | undefined {
  const text = message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message;
  const unknown = /^unknown setting "([^"]*)"/.exec(text);
  if (unknown) return unknown[1];
  const first = text.split(/\s/, 1)[0] ?? '';
  if (KUBERNETES_FIELDS.includes(first) && !/^kubeconfig has no context/.test(text)) return first;
  if (/has no context/.test(text)) return 'context';
  if (/in-cluster/.test(text)) return 'inCluster';
  if (/kubeconfig/.test(text)) return 'kubeconfig';
  return undefined;
}

/**
 * The runtime adapter's own check of an environment's `runtime.settings`, as problems under `/runtime/settings`.
 * Kubernetes: the settings parse and the kubeconfig loads (file, context, current cluster); the cluster is not called.
 */
export function runtimeSettingsProblems(
  runtime: { kind?: unknown; settings?: unknown } | undefined,
): ValidationProblem[] {
  if (!runtime || runtime.kind !== KUBERNETES_RUNTIME_KIND) return [];
  const settings =
    runtime.settings && typeof runtime.settings === 'object' && !Array.isArray(runtime.settings)
      ? runtime.settings
      : {};
  try {
    KubernetesWorkloadRuntime.validateSettings({ kind: KUBERNETES_RUNTIME_KIND, settings } as RuntimeSpec);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(PREFIX, '') : String(error);
    const field = fieldOf(message);
    return [{ path: field ? jsonPointer('runtime', 'settings', field) : jsonPointer('runtime', 'settings'), message }];
  }
}
