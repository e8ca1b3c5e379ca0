import { ProviderError, ProviderErrorCode, type JsonObject, type WorkloadComponentSpec } from '@berth/core';

/** One port of a workload: what the container listens on and whether the Service exposes it. */
export interface WorkloadPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  expose: boolean;
}

export type LiteralEnvVar =
  | { name: string; value: string }
  | {
      name: string;
      valueFrom: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
    };

/** A workload's canonical properties read tolerantly (DESIGN section 2 names, plus the KubeVela spellings). */
export interface WorkloadProperties {
  image: string;
  imagePullPolicy?: string;
  imagePullSecrets: string[];
  command?: string[];
  args?: string[];
  env: LiteralEnvVar[];
  ports: WorkloadPort[];
  requests: Record<string, string>;
  limits: Record<string, string>;
  replicas: number;
  /** task only: how many pods must complete. */
  count: number;
  /** task only. */
  restartPolicy: 'Never' | 'OnFailure';
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

function invalid(component: string, message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, `workload "${component}": ${message}`);
}

function asStringList(value: unknown): string[] | undefined {
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

function readPorts(component: string, props: JsonObject): WorkloadPort[] {
  const raw: unknown[] = [];
  if (props.port !== undefined && props.port !== null) raw.push(props.port);
  if (Array.isArray(props.ports)) raw.push(...props.ports);
  const ports: WorkloadPort[] = [];
  const seen = new Set<string>();
  for (const entry of raw) {
    const item: JsonObject = typeof entry === 'object' && entry !== null ? (entry as JsonObject) : { port: entry };
    const port = Number(item.port ?? item.containerPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw invalid(component, `port ${String(item.port)} is not 1-65535`);
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
    ports.push({ name, port, protocol: protocol as WorkloadPort['protocol'], expose: item.expose !== false });
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
  return {
    image: props.image,
    imagePullPolicy: typeof props.imagePullPolicy === 'string' ? props.imagePullPolicy : undefined,
    imagePullSecrets: asStringList(props.imagePullSecrets) ?? [],
    command: asStringList(props.cmd ?? props.command),
    args: asStringList(props.args),
    env: readDeclaredEnv(component.name, props.env),
    ports: readPorts(component.name, props),
    requests,
    limits,
    replicas: positiveInt(props.replicas, 1),
    count: Math.max(1, positiveInt(props.count, 1)),
    restartPolicy: restart === 'OnFailure' ? 'OnFailure' : 'Never',
  };
}
