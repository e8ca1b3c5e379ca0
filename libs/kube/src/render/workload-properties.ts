import { ProviderError, ProviderErrorCode, type JsonObject, type WorkloadComponentSpec } from '@berth/core';

/** One port of a workload: what the container listens on and whether the Service exposes it. */
export interface WorkloadPort {
  name: string;
  /** The Service's port (and the container's, unless `containerPort` differs). */
  port: number;
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  expose: boolean;
  /** With exposeType NodePort: the node port asked for. */
  nodePort?: number;
}

export type LiteralEnvVar =
  | { name: string; value: string }
  | {
      name: string;
      valueFrom: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
    };

export type ExposeType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** A workload's canonical properties read tolerantly (DESIGN section 2 names, plus the KubeVela spellings). */
export interface WorkloadProperties {
  image: string;
  imagePullPolicy?: string;
  imagePullSecrets: string[];
  command?: string[];
  args?: string[];
  env: LiteralEnvVar[];
  ports: WorkloadPort[];
  /** Type of the Service of the exposed ports (KubeVela's `exposeType`, default ClusterIP). */
  exposeType: ExposeType;
  /** KubeVela's `labels` / `annotations`: on the workload object and its pod template. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  requests: Record<string, string>;
  limits: Record<string, string>;
  /** The container's volumeMounts and the pod's volumes (from `volumeMounts` or the older `volumes`). */
  volumeMounts: JsonObject[];
  volumes: JsonObject[];
  livenessProbe?: JsonObject;
  readinessProbe?: JsonObject;
  hostAliases: JsonObject[];
  replicas: number;
  /** task and cron-task: how many pods must complete. */
  count: number;
  /** task and cron-task. */
  restartPolicy: 'Never' | 'OnFailure';
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);
const EXPOSE_TYPES = new Set<ExposeType>(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

function invalid(component: string, message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, `workload "${component}": ${message}`);
}

export function asStringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((item) => String(item));
  return undefined;
}

function quantity(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return undefined;
}

function positiveInt(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : fallback;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map of strings (labels, annotations); anything else is refused naming the property. */
export function stringMap(component: string, property: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(component, `${property} must be a map of strings`);
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, String(v)]));
}

function objectList(component: string, property: string, value: unknown): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject))
    throw invalid(component, `${property} must be a list of objects`);
  return value;
}

function readPorts(component: string, props: JsonObject): WorkloadPort[] {
  // `port` (Berth's and KubeVela's older single port) is exposed; a `ports[]` entry only with `expose: true`, as in
  // KubeVela's webservice.
  const raw: Array<{ entry: unknown; exposeDefault: boolean }> = [];
  if (props.port !== undefined && props.port !== null) raw.push({ entry: props.port, exposeDefault: true });
  if (Array.isArray(props.ports)) raw.push(...props.ports.map((entry) => ({ entry, exposeDefault: false })));
  const ports: WorkloadPort[] = [];
  const seen = new Set<string>();
  for (const { entry, exposeDefault } of raw) {
    const item: JsonObject = isObject(entry) ? entry : { port: entry };
    const port = Number(item.port ?? item.containerPort);
    const containerPort = Number(item.containerPort ?? port);
    for (const value of [port, containerPort]) {
      if (!Number.isInteger(value) || value < 1 || value > 65535)
        throw invalid(component, `port ${String(item.port ?? item.containerPort)} is not 1-65535`);
    }
    const protocol = String(item.protocol ?? 'TCP').toUpperCase();
    if (!PROTOCOLS.has(protocol)) throw invalid(component, `port ${port} has unsupported protocol ${protocol}`);
    const key = `${protocol}/${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const name =
      typeof item.name === 'string' && item.name !== ''
        ? item.name
        : protocol === 'TCP'
          ? `port-${port}`
          : `${protocol.toLowerCase()}-${port}`;
    const expose = typeof item.expose === 'boolean' ? item.expose : exposeDefault;
    const nodePort = typeof item.nodePort === 'number' ? item.nodePort : undefined;
    ports.push({
      name,
      port,
      containerPort,
      protocol: protocol as WorkloadPort['protocol'],
      expose,
      ...(nodePort === undefined ? {} : { nodePort }),
    });
  }
  return ports;
}

/** A workload's declared `env` (list or map form) as a pod spec has it: literal values and `valueFrom` references. */
export function readDeclaredEnv(component: string, value: unknown): LiteralEnvVar[] {
  if (value === undefined || value === null) return [];
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item: unknown) => {
        const obj = (item ?? {}) as JsonObject;
        return [
          String(obj.name ?? ''),
          obj.valueFrom !== undefined ? { valueFrom: obj.valueFrom } : { value: obj.value },
        ];
      })
    : typeof value === 'object'
      ? Object.entries(value as JsonObject).map(([name, v]) => [name, { value: v }])
      : [];
  return entries.map(([name, spec]) => {
    if (name === '') throw invalid(component, 'an env entry has no name');
    const s = spec as { value?: unknown; valueFrom?: JsonObject };
    if (s.valueFrom !== undefined) {
      const from = s.valueFrom;
      const ref = (from.secretKeyRef ?? from.configMapKeyRef) as JsonObject | undefined;
      if (!ref || typeof ref.name !== 'string' || typeof ref.key !== 'string') {
        throw invalid(component, `env ${name}: valueFrom needs secretKeyRef or configMapKeyRef with name and key`);
      }
      const key = from.secretKeyRef ? 'secretKeyRef' : 'configMapKeyRef';
      return { name, valueFrom: { [key]: { name: ref.name, key: ref.key } } };
    }
    return { name, value: s.value === undefined || s.value === null ? '' : String(s.value) };
  });
}

/** A list of `{key, path, mode?}` projections of a ConfigMap or Secret volume. */
function items(value: unknown): JsonObject | undefined {
  return Array.isArray(value) ? { items: value } : undefined;
}

/**
 * KubeVela's `volumeMounts: {pvc, configMap, secret, emptyDir, hostPath}` (or the older `volumes[] {type, ...}`) as a
 * container's volumeMounts and a pod's volumes, one volume per distinct name.
 */
export function readVolumes(component: string, props: JsonObject): { mounts: JsonObject[]; volumes: JsonObject[] } {
  const mounts: JsonObject[] = [];
  const volumes = new Map<string, JsonObject>();
  const add = (path: string, entry: JsonObject, source: JsonObject): void => {
    if (typeof entry.name !== 'string' || entry.name === '') throw invalid(component, `${path} needs a name`);
    if (typeof entry.mountPath !== 'string' || entry.mountPath === '')
      throw invalid(component, `${path} "${entry.name}" needs a mountPath`);
    mounts.push({
      name: entry.name,
      mountPath: entry.mountPath,
      ...(typeof entry.subPath === 'string' ? { subPath: entry.subPath } : {}),
    });
    if (!volumes.has(entry.name)) volumes.set(entry.name, { name: entry.name, ...source });
  };
  const sources: Record<string, (entry: JsonObject) => JsonObject> = {
    pvc: (e) => ({ persistentVolumeClaim: { claimName: String(e.claimName ?? e.name) } }),
    configMap: (e) => ({
      configMap: { name: String(e.cmName ?? e.name), defaultMode: positiveInt(e.defaultMode, 420), ...items(e.items) },
    }),
    secret: (e) => ({
      secret: {
        secretName: String(e.secretName ?? e.name),
        defaultMode: positiveInt(e.defaultMode, 420),
        ...items(e.items),
      },
    }),
    emptyDir: (e) => ({ emptyDir: typeof e.medium === 'string' && e.medium !== '' ? { medium: e.medium } : {} }),
    hostPath: (e) => ({ hostPath: { path: String(e.path ?? '') } }),
  };
  if (isObject(props.volumeMounts)) {
    for (const [kind, list] of Object.entries(props.volumeMounts)) {
      const source = sources[kind];
      if (!source) throw invalid(component, `volumeMounts.${kind} is not one of ${Object.keys(sources).join(', ')}`);
      for (const entry of objectList(component, `volumeMounts.${kind}`, list))
        add(`volumeMounts.${kind}`, entry, source(entry));
    }
  } else if (Array.isArray(props.volumes)) {
    for (const entry of objectList(component, 'volumes', props.volumes)) {
      const kind = String(entry.type ?? 'emptyDir');
      const source = sources[kind === 'hostPath' ? 'hostPath' : kind];
      if (!source)
        throw invalid(
          component,
          `volumes "${String(entry.name)}": type ${kind} is not pvc, configMap, secret or emptyDir`,
        );
      add('volumes', entry, source(entry));
    }
  }
  return { mounts, volumes: [...volumes.values()] };
}

function probe(component: string, property: string, value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(component, `${property} must be an object`);
  return value;
}

export function readWorkloadProperties(component: WorkloadComponentSpec): WorkloadProperties {
  const props = component.properties ?? {};
  if (typeof props.image !== 'string' || props.image === '')
    throw invalid(component.name, 'property "image" is required');
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const cpu = quantity(props.cpu);
  const memory = quantity(props.memory);
  const limit = (props.limit ?? props.limits) as JsonObject | undefined;
  const limitCpu = quantity(limit?.cpu);
  const limitMemory = quantity(limit?.memory);
  // Like KubeVela's webservice: cpu/memory set the request and, unless a separate limit is given, the limit too.
  if (cpu) requests.cpu = cpu;
  if (memory) requests.memory = memory;
  if (limitCpu ?? cpu) limits.cpu = (limitCpu ?? cpu) as string;
  if (limitMemory ?? memory) limits.memory = (limitMemory ?? memory) as string;
  const restart = String(props.restart ?? props.restartPolicy ?? 'Never');
  const exposeType = String(props.exposeType ?? 'ClusterIP') as ExposeType;
  if (!EXPOSE_TYPES.has(exposeType))
    throw invalid(component.name, `exposeType ${exposeType} is not one of ${[...EXPOSE_TYPES].join(', ')}`);
  const { mounts, volumes } = readVolumes(component.name, props);
  return {
    image: props.image,
    imagePullPolicy: typeof props.imagePullPolicy === 'string' ? props.imagePullPolicy : undefined,
    imagePullSecrets: asStringList(props.imagePullSecrets) ?? [],
    command: asStringList(props.cmd ?? props.command),
    args: asStringList(props.args),
    env: readDeclaredEnv(component.name, props.env),
    ports: readPorts(component.name, props),
    exposeType,
    labels: stringMap(component.name, 'labels', props.labels),
    annotations: stringMap(component.name, 'annotations', props.annotations),
    requests,
    limits,
    volumeMounts: mounts,
    volumes,
    livenessProbe: probe(component.name, 'livenessProbe', props.livenessProbe),
    readinessProbe: probe(component.name, 'readinessProbe', props.readinessProbe),
    hostAliases: objectList(component.name, 'hostAliases', props.hostAliases),
    replicas: positiveInt(props.replicas, 1),
    count: Math.max(1, positiveInt(props.count, 1)),
    restartPolicy: restart === 'OnFailure' ? 'OnFailure' : 'Never',
  };
}
