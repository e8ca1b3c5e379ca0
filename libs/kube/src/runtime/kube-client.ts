import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ProviderError, ProviderErrorCode, type ValidationProblem } from '@berth/core';
import { KubernetesSettingsError, type KubernetesRuntimeSettings } from './kubernetes-runtime-settings';

/** Where kubeconfigs may come from: the operator's choice, never the API caller's. */
export interface KubeconfigSources {
  /**
   * Directories a `kubeconfig` file path must lie in (after resolving `..` and symbolic links). Empty: no file path
   * is accepted.
   */
  allowedDirs: readonly string[];
  /** Where `kubeconfigEnv` names are looked up (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A kubeconfig is small; anything larger is not one (and is not read into memory). */
export const MAX_KUBECONFIG_BYTES = 1024 * 1024;

function refuse(field: string, message: string): never {
  throw new KubernetesSettingsError([{ path: `/${field}`, message }]);
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The allowed directories as given and as their real paths (a directory that does not exist allows nothing more). */
function allowedRoots(dirs: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const dir of dirs) {
    if (!isAbsolute(dir)) continue;
    roots.add(resolve(dir));
    try {
      roots.add(realpathSync(dir));
    } catch {
      // not there (yet): its lexical form is kept, and a file in it would not be found anyway
    }
  }
  return [...roots];
}

/**
 * Reads a kubeconfig file an environment names, only when it lies inside an allowed directory both as written and as
 * its real path, so neither `..` nor a symbolic link can reach elsewhere. The answer never depends on what is outside
 * those directories (a missing and an existing outside file read the same), and no message quotes the file.
 */
export function readKubeconfigFile(path: string, sources: KubeconfigSources): { text: string; realPath: string } {
  const allowed = `must be a file in a directory the operator allows (BERTH_KUBECONFIG_DIRS${
    sources.allowedDirs.length ? `: ${sources.allowedDirs.join(', ')}` : ' is none'
  })`;
  if (!isAbsolute(path)) refuse('kubeconfig', 'kubeconfig must be an absolute file path');
  const roots = allowedRoots(sources.allowedDirs);
  const lexical = resolve(path);
  if (!roots.some((root) => within(lexical, root))) refuse('kubeconfig', `kubeconfig ${allowed}`);
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    refuse('kubeconfig', 'kubeconfig cannot load: no such file');
  }
  if (!roots.some((root) => within(real, root))) refuse('kubeconfig', `kubeconfig ${allowed}`);
  let fd: number;
  try {
    // The real path has no links left; O_NOFOLLOW keeps one from being swapped in before the open.
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    refuse('kubeconfig', `kubeconfig cannot load: ${code === 'EACCES' ? 'permission denied' : 'cannot be opened'}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) refuse('kubeconfig', 'kubeconfig cannot load: not a regular file');
    if (stat.size > MAX_KUBECONFIG_BYTES)
      refuse('kubeconfig', `kubeconfig cannot load: larger than ${MAX_KUBECONFIG_BYTES} bytes`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { text: buffer.subarray(0, read).toString('utf8'), realPath: real };
  } finally {
    closeSync(fd);
  }
}

/**
 * Why a kubeconfig text does not load, in words that name the problem and never quote the text: the YAML parser's
 * and the client's own messages carry snippets of the input, so only their position or the missing field survives.
 */
function describeLoadFailure(error: unknown): string {
  const { name, mark, message } = (error ?? {}) as { name?: unknown; mark?: { line?: unknown }; message?: unknown };
  if (name === 'YAMLException') {
    const line = typeof mark?.line === 'number' ? ` (line ${mark.line + 1})` : '';
    return `is not valid YAML${line}`;
  }
  if (typeof message === 'string') {
    const missing = /^((?:clusters|contexts|users)\[\d{1,6}\](?:\.[a-z-]{1,40}){1,3}) is missing$/.exec(message);
    if (missing) return `is not a valid kubeconfig: ${missing[1]} is missing`;
  }
  return 'is not a valid kubeconfig (a YAML mapping with clusters, contexts and users)';
}

function loadText(kc: k8s.KubeConfig, text: string, field: string, label: string): void {
  try {
    kc.loadFromString(text);
  } catch (error) {
    refuse(field, `${label} ${describeLoadFailure(error)}`);
  }
  if (kc.getClusters().length === 0) refuse(field, `${label} is not a valid kubeconfig: it has no clusters`);
}

/** Loads the kubeconfig the settings name. Throws KubernetesSettingsError (a ProviderError) at the field at fault. */
export function loadKubeConfig(settings: KubernetesRuntimeSettings, sources: KubeconfigSources): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  let field = 'kubeconfig';
  if (settings.inCluster) {
    field = 'inCluster';
    try {
      kc.loadFromCluster();
    } catch {
      refuse('inCluster', 'inCluster: the in-cluster service account cannot be loaded');
    }
  } else if (settings.kubeconfig !== undefined) {
    const { text, realPath } = readKubeconfigFile(settings.kubeconfig, sources);
    loadText(kc, text, 'kubeconfig', 'kubeconfig');
    // Relative certificate and key paths inside the file are relative to the file, as kubectl reads them.
    kc.makePathsAbsolute(dirname(realPath));
  } else if (settings.kubeconfigEnv !== undefined) {
    field = 'kubeconfigEnv';
    const text = (sources.env ?? process.env)[settings.kubeconfigEnv];
    if (text === undefined || text.trim() === '')
      refuse('kubeconfigEnv', `kubeconfigEnv: the service has no environment variable ${settings.kubeconfigEnv}`);
    loadText(kc, text, 'kubeconfigEnv', `kubeconfigEnv: the value of ${settings.kubeconfigEnv}`);
  } else {
    // The service's own default ($KUBECONFIG, ~/.kube/config, in-cluster): chosen by the operator, not the caller.
    try {
      kc.loadFromDefault();
    } catch (error) {
      refuse('kubeconfig', `the service's default kubeconfig ${describeLoadFailure(error)}`);
    }
  }
  if (settings.context) {
    if (!kc.getContexts().some((context) => context.name === settings.context)) {
      refuse('context', `kubeconfig has no context "${settings.context.slice(0, 253)}"`);
    }
    kc.setCurrentContext(settings.context);
  }
  if (!kc.getCurrentCluster()) refuse(settings.context ? 'context' : field, 'kubeconfig has no current cluster');
  return kc;
}

/** The problems of loading the settings' kubeconfig (empty when it loads), at their fields. */
export function kubeconfigProblems(
  settings: KubernetesRuntimeSettings,
  sources: KubeconfigSources,
): ValidationProblem[] {
  try {
    loadKubeConfig(settings, sources);
    return [];
  } catch (error) {
    if (error instanceof KubernetesSettingsError) return error.problems;
    throw error;
  }
}

/**
 * A KubernetesObjectApi whose every request is cancelled when `signal` aborts, and gives up after
 * `requestTimeoutMs` on its own.
 */
/** The client configuration every API of one call shares: the cluster, its credentials, the caller's signal and a deadline. */
export function makeConfiguration(
  kc: k8s.KubeConfig,
  signal: AbortSignal,
  requestTimeoutMs: number,
): k8s.Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ProviderError(ProviderErrorCode.InvalidRequest, 'kubeconfig has no current cluster');
  return k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]));
          return Promise.resolve(context);
        },
        post: (response) => Promise.resolve(response),
      },
    ],
  });
}

export function makeObjectApi(configuration: k8s.Configuration): k8s.KubernetesObjectApi {
  return new k8s.KubernetesObjectApi(configuration);
}

/** A namespaced kind the server serves, as discovery lists it. */
export interface ServedKind {
  apiVersion: string;
  kind: string;
}

/**
 * Every namespaced kind the server serves that can be listed and deleted (preferred version of each group, no
 * subresources): what an application's objects may be, whatever its k8s-objects components wrote.
 */
export async function discoverNamespacedKinds(configuration: k8s.Configuration): Promise<ServedKind[]> {
  const served: ServedKind[] = [];
  const take = (groupVersion: string, list: k8s.V1APIResourceList): void => {
    for (const resource of list.resources) {
      if (!resource.namespaced || resource.name.includes('/')) continue;
      if (!resource.verbs.includes('list') || !resource.verbs.includes('delete')) continue;
      served.push({ apiVersion: groupVersion, kind: resource.kind });
    }
  };
  take('v1', await new k8s.CoreV1Api(configuration).getAPIResources());
  const groups = await new k8s.ApisApi(configuration).getAPIVersions();
  const custom = new k8s.CustomObjectsApi(configuration);
  for (const group of groups.groups) {
    const preferred = group.preferredVersion ?? group.versions[0];
    if (!preferred) continue;
    take(preferred.groupVersion, await custom.getAPIResources({ group: group.name, version: preferred.version }));
  }
  return served;
}
