/**
 * A small Kubernetes API server for tests. It speaks the real REST protocol (paths, verbs, content types, Status
 * objects) to the real `@kubernetes/client-node`, over plain HTTP on 127.0.0.1 (the client accepts `http://` servers
 * when the kubeconfig sets `insecure-skip-tls-verify`).
 *
 * What it does:
 * - discovery: /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version};
 * - namespaces (create/get/list/delete) and, namespaced, Secrets, ConfigMaps, Services (v1), Deployments (apps/v1),
 *   Jobs (batch/v1): create (POST), get, list (label selectors `=`, `==`, `!=`, `in`, `notin`, exists, `!`; field
 *   selectors on metadata.name / metadata.namespace), replace (PUT, 409 Conflict on a stale resourceVersion), patch
 *   (server-side apply `application/apply-patch+yaml` with a required fieldManager; JSON merge patch; strategic merge
 *   patch treated as a JSON merge patch) and delete;
 * - uid, creationTimestamp, a cluster-wide resourceVersion that increments on every change (a no-op write keeps it),
 *   metadata.generation on Deployments and Jobs that increments only when their spec changes, minimal managedFields;
 * - 400/401/403/404/405/409/415/422 answers as real Status objects (kind Status, apiVersion v1, status Failure, reason,
 *   details, code);
 * - a tiny controller that marks Deployments rolled out (observedGeneration, updatedReplicas, availableReplicas) and
 *   Jobs succeeded, or never does (`stall`), or fails them (`fail`);
 * - a log of every request (method, path, query, content type, body, status) and injectable faults (a status for
 *   matching requests, or a request that never answers).
 *
 * What it does NOT emulate:
 * - TLS and authentication beyond one optional bearer token; authorization/RBAC (403 only through injected faults);
 * - admission (no defaulting: no clusterIP, no strategy, no default replicas in the stored object; no webhooks);
 * - validation against the OpenAPI schemas (only: name present and DNS-1123, kind/apiVersion/namespace/name match the
 *   URL; label values checked only in selectors);
 * - watch, bookmarks, pagination (limit/continue are ignored), table output, protobuf, dry-run;
 * - server-side apply between several field managers: the last applier owns every field it sends, fields it no
 *   longer sends are removed, there are never apply conflicts, and managedFields are recorded per manager without
 *   list-key granularity (lists are atomic);
 * - strategic-merge-patch semantics (patch keys by merge key) and JSON Patch;
 * - status subresources over HTTP, ReplicaSets, Pods, garbage collection and finalizers (a delete removes the object
 *   at once whatever propagationPolicy says; deleting a namespace removes its objects at once);
 * - immutability rules (a Job's template can be replaced here; a real server rejects it).
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { LabelSelectorError, parseLabelSelector } from './label-selector';

type Json = Record<string, unknown>;

interface ResourceType {
  group: string;
  version: string;
  resource: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  /** metadata.generation tracks spec changes; status belongs to the controller. */
  hasSpecAndStatus: boolean;
  shortNames?: string[];
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update'];

const RESOURCES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    hasSpecAndStatus: false,
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    singularName: 'secret',
    kind: 'Secret',
    namespaced: true,
    hasSpecAndStatus: false,
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singularName: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    hasSpecAndStatus: false,
    shortNames: ['cm'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singularName: 'service',
    kind: 'Service',
    namespaced: true,
    hasSpecAndStatus: false,
    shortNames: ['svc'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['deploy'],
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    singularName: 'job',
    kind: 'Job',
    namespaced: true,
    hasSpecAndStatus: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    singularName: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    hasSpecAndStatus: false,
    shortNames: ['sa'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    singularName: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['pvc'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singularName: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['ds'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['sts'],
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    singularName: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['cj'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    singularName: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['ing'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    singularName: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    hasSpecAndStatus: true,
    shortNames: ['hpa'],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'roles',
    singularName: 'role',
    kind: 'Role',
    namespaced: true,
    hasSpecAndStatus: false,
  },
];

/** Kinds the tiny controller writes status for. */
const CONTROLLED_KINDS = new Set(['Deployment', 'Job', 'DaemonSet']);

export type ControllerMode = 'rollout' | 'stall' | 'fail' | 'off';

export interface KubeApiTestServerOptions {
  /** Namespaces that exist at start. Default: ['default']. */
  namespaces?: string[];
  /** When set, every request must carry `Authorization: Bearer <token>`, else 401. */
  token?: string;
  /** What the controller does to Deployments and Jobs after each spec change. Default 'rollout'. */
  controller?: ControllerMode;
  /** How long the controller waits before it writes status. Default 20 ms. */
  controllerDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  status: number;
}

export interface Fault {
  method?: string;
  /** Substring of, or pattern for, the request path. */
  path?: string | RegExp;
  /** HTTP status to answer with (a Status object with `reason`); without it (and without `hang`) the request proceeds. */
  status?: number;
  reason?: string;
  message?: string;
  /** Never answer (the client must give up). */
  hang?: boolean;
  /** Runs before the answer (e.g. another actor deleting the object in between). */
  before?: () => void;
  /** How many matching requests to affect; default: all until cleared. */
  times?: number;
}

class HttpProblem extends Error {
  constructor(readonly status: Json) {
    super(String(status.message));
  }
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function qualified(type: ResourceType): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

function statusObject(code: number, reason: string, message: string, details?: Json): Json {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function details(type: ResourceType, name: string): Json {
  return { name, ...(type.group ? { group: type.group } : {}), kind: type.resource };
}

function notFound(type: ResourceType, name: string): HttpProblem {
  return new HttpProblem(statusObject(404, 'NotFound', `${qualified(type)} "${name}" not found`, details(type, name)));
}

function badRequest(message: string): HttpProblem {
  return new HttpProblem(statusObject(400, 'BadRequest', message));
}

function invalid(type: ResourceType, name: string, message: string): HttpProblem {
  return new HttpProblem(
    statusObject(422, 'Invalid', `${type.kind} "${name}" is invalid: ${message}`, details(type, name)),
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Json = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** managedFields' FieldsV1 for an applied object, lists treated as atomic. */
function fieldSet(value: unknown): Json {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [`f:${key}`, fieldSet(v)]));
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SYSTEM_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'deletionTimestamp',
] as const;

export class KubeApiTestServer {
  readonly requests: RecordedRequest[] = [];
  controllerMode: ControllerMode;
  controllerDelayMs: number;
  private readonly objects = new Map<string, Json>();
  private readonly faults: Fault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly hanging = new Set<ServerResponse>();
  private resourceVersion = 1000;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly options: KubeApiTestServerOptions = {}) {
    this.controllerMode = options.controller ?? 'rollout';
    this.controllerDelayMs = options.controllerDelayMs ?? 20;
    for (const namespace of options.namespaces ?? ['default']) this.createNamespace(namespace);
  }

  get url(): string {
    if (!this.server) throw new Error('server not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Writes a kubeconfig that points at this server (context `berth-test` unless named). */
  async writeKubeconfig(
    path: string,
    options: { context?: string; namespace?: string; token?: string } = {},
  ): Promise<string> {
    const context = options.context ?? 'berth-test';
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: `${context}-cluster`, cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: `${context}-user`, user: { token: options.token ?? this.options.token ?? 'test-token' } }],
      contexts: [
        {
          name: context,
          context: {
            cluster: `${context}-cluster`,
            user: `${context}-user`,
            ...(options.namespace ? { namespace: options.namespace } : {}),
          },
        },
      ],
      'current-context': context,
    };
    await writeFile(path, stringifyYaml(config), { mode: 0o600 });
    return path;
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Direct look into the store (what a `kubectl get -o json` would show). */
  getObject(apiVersion: string, kind: string, namespace: string, name: string): Json | undefined {
    const type = RESOURCES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
    if (!type) throw new Error(`unknown ${apiVersion} ${kind}`);
    const object = this.objects.get(this.key(type, namespace, name));
    return object ? clone(object) : undefined;
  }

  /** Removes an object directly, as another actor would. */
  deleteObject(apiVersion: string, kind: string, namespace: string, name: string): boolean {
    const type = RESOURCES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
    if (!type) throw new Error(`unknown ${apiVersion} ${kind}`);
    return this.objects.delete(this.key(type, namespace, name));
  }

  /** Every stored object of a namespace (kind/apiVersion filled in), sorted by kind and name. */
  listObjects(namespace: string): Json[] {
    return [...this.objects.values()]
      .filter((object) => (object.metadata as Json).namespace === namespace)
      .map(clone)
      .sort((a, b) => `${a.kind}/${(a.metadata as Json).name}`.localeCompare(`${b.kind}/${(b.metadata as Json).name}`));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private key(type: ResourceType, namespace: string | undefined, name: string): string {
    return `${type.group}/${type.resource}/${type.namespaced ? namespace : ''}/${name}`;
  }

  private nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  private createNamespace(name: string): void {
    const type = RESOURCES[0]!;
    this.objects.set(this.key(type, undefined, name), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: randomUUID(), resourceVersion: this.nextResourceVersion(), creationTimestamp: now() },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const entry: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      contentType,
      body: undefined,
      status: 0,
    };
    this.requests.push(entry);
    const send = (status: number, body: unknown) => {
      entry.status = status;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      if (raw !== '') {
        try {
          entry.body = contentType === 'application/apply-patch+yaml' ? parseYaml(raw) : JSON.parse(raw);
        } catch (error) {
          throw badRequest(`error decoding request body: ${(error as Error).message}`);
        }
      }
      if (this.options.token !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
        send(401, statusObject(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      const fault = this.takeFault(entry);
      fault?.before?.();
      if (fault?.hang) {
        entry.status = -1;
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault?.status !== undefined) {
        const code = fault.status;
        send(code, statusObject(code, fault.reason ?? 'InternalError', fault.message ?? 'injected fault'));
        return;
      }
      const [status, body] = this.route(entry);
      send(status, body);
    } catch (error) {
      if (error instanceof HttpProblem) send(Number(error.status.code), error.status);
      else send(500, statusObject(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`));
    }
  }

  private takeFault(entry: RecordedRequest): Fault | undefined {
    const index = this.faults.findIndex(
      (fault) =>
        (!fault.method || fault.method === entry.method) &&
        (!fault.path ||
          (typeof fault.path === 'string' ? entry.path.includes(fault.path) : fault.path.test(entry.path))),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }

  private route(entry: RecordedRequest): [number, unknown] {
    const segments = entry.path.split('/').filter((s) => s !== '');
    if (entry.method === 'GET' && entry.path === '/version') {
      return [200, { major: '1', minor: '31', gitVersion: 'v1.31.0-berth-test', platform: 'linux/amd64' }];
    }
    if (entry.method === 'GET' && entry.path === '/api') {
      return [
        200,
        {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
        },
      ];
    }
    if (entry.method === 'GET' && entry.path === '/apis') {
      return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups().map((g) => this.groupDocument(g)) }];
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) {
      [group, version, rest] = ['', segments[1]!, segments.slice(2)];
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      if (segments.length === 2) {
        if (entry.method !== 'GET' || !this.groups().includes(segments[1]!)) throw this.unknownPath();
        return [200, { ...this.groupDocument(segments[1]!), kind: 'APIGroup', apiVersion: 'v1' }];
      }
      [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
    } else {
      throw this.unknownPath();
    }
    const types = RESOURCES.filter((t) => t.group === group && t.version === version);
    if (types.length === 0) throw this.unknownPath();
    if (rest.length === 0) {
      if (entry.method !== 'GET') throw this.methodNotAllowed(entry.method);
      return [200, this.resourceList(group, version, types)];
    }
    // Namespace objects themselves: /api/v1/namespaces[/{name}]
    if (group === '' && rest[0] === 'namespaces' && rest.length <= 2) {
      return this.serve(entry, RESOURCES[0]!, undefined, rest[1]);
    }
    if (rest[0] === 'namespaces' && rest.length >= 3 && rest.length <= 4) {
      const type = types.find((t) => t.resource === rest[2] && t.namespaced);
      if (!type) throw this.unknownPath();
      return this.serve(entry, type, rest[1], rest[3]);
    }
    if (rest.length === 1) {
      // Cluster-wide list of a namespaced resource.
      const type = types.find((t) => t.resource === rest[0]);
      if (!type || entry.method !== 'GET') throw this.unknownPath();
      return [200, this.list(type, undefined, entry.query)];
    }
    throw this.unknownPath();
  }

  private unknownPath(): HttpProblem {
    return new HttpProblem(statusObject(404, 'NotFound', 'the server could not find the requested resource', {}));
  }

  private methodNotAllowed(method: string): HttpProblem {
    return new HttpProblem(
      statusObject(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource (${method})`,
        {},
      ),
    );
  }

  private groups(): string[] {
    return [...new Set(RESOURCES.map((t) => t.group).filter((g) => g !== ''))];
  }

  private groupDocument(group: string): Json {
    const versions = [...new Set(RESOURCES.filter((t) => t.group === group).map((t) => t.version))].map((v) => ({
      groupVersion: `${group}/${v}`,
      version: v,
    }));
    return { name: group, versions, preferredVersion: versions[0] };
  }

  private resourceList(group: string, version: string, types: readonly ResourceType[]): Json {
    const resources: Json[] = [];
    for (const t of types) {
      resources.push({
        name: t.resource,
        singularName: t.singularName,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: [...VERBS, 'deletecollection', 'watch'],
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        storageVersionHash: Buffer.from(t.kind).toString('base64').slice(0, 11),
      });
      if (t.hasSpecAndStatus) {
        resources.push({
          name: `${t.resource}/status`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'patch', 'update'],
        });
      }
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources,
    };
  }

  private serve(
    entry: RecordedRequest,
    type: ResourceType,
    namespace: string | undefined,
    name: string | undefined,
  ): [number, unknown] {
    if (type.namespaced && namespace !== undefined && name === undefined && entry.method === 'POST')
      this.requireNamespace(namespace);
    if (name === undefined) {
      if (entry.method === 'GET') return [200, this.list(type, namespace, entry.query)];
      if (entry.method === 'POST') return this.create(type, namespace, entry);
      throw this.methodNotAllowed(entry.method);
    }
    switch (entry.method) {
      case 'GET': {
        const object = this.objects.get(this.key(type, namespace, name));
        if (!object) throw notFound(type, name);
        return [200, clone(object)];
      }
      case 'PUT':
        return this.replace(type, namespace, name, entry);
      case 'PATCH':
        return this.patch(type, namespace, name, entry);
      case 'DELETE':
        return this.remove(type, namespace, name);
      default:
        throw this.methodNotAllowed(entry.method);
    }
  }

  private requireNamespace(namespace: string): void {
    if (!this.objects.has(this.key(RESOURCES[0]!, undefined, namespace))) {
      throw new HttpProblem(
        statusObject(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }),
      );
    }
  }

  private list(type: ResourceType, namespace: string | undefined, query: Record<string, string>): Json {
    let matches: ReturnType<typeof parseLabelSelector>;
    try {
      matches = parseLabelSelector(query.labelSelector);
    } catch (error) {
      if (error instanceof LabelSelectorError) throw badRequest(error.message);
      throw error;
    }
    const fieldFilters: Array<(object: Json) => boolean> = [];
    for (const requirement of (query.fieldSelector ?? '').split(',').filter((s) => s !== '')) {
      const match = /^metadata\.(name|namespace)(==|=|!=)(.*)$/.exec(requirement);
      if (!match)
        throw badRequest(`"${requirement}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      const [, field, op, value] = match;
      fieldFilters.push((object) => ((object.metadata as Json)[field!] === value) === (op !== '!='));
    }
    const prefix = `${type.group}/${type.resource}/`;
    const items = [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, object]) => object)
      .filter((object) => namespace === undefined || (object.metadata as Json).namespace === namespace)
      .filter((object) => matches((object.metadata as Json).labels as Record<string, string> | undefined))
      .filter((object) => fieldFilters.every((f) => f(object)))
      .sort((a, b) => String((a.metadata as Json).name).localeCompare(String((b.metadata as Json).name)))
      .map((object) => {
        // A real server leaves kind and apiVersion out of the items of a typed list.
        const { kind: _kind, apiVersion: _apiVersion, ...rest } = clone(object);
        return rest;
      });
    return {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: String(this.resourceVersion) },
      items,
    };
  }

  private checkBody(type: ResourceType, namespace: string | undefined, body: unknown, urlName?: string): Json {
    if (!isObject(body)) throw badRequest('the body of the request was in an unknown format');
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw badRequest(
        `the kind of the provided object (${String(body.kind)}) does not match the resource (${type.kind})`,
      );
    }
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(type)) {
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`,
      );
    }
    const metadata = isObject(body.metadata) ? body.metadata : {};
    if (type.namespaced && metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (urlName !== undefined && metadata.name !== undefined && metadata.name !== urlName) {
      throw badRequest('the name of the object does not match the name on the URL');
    }
    const name = String(metadata.name ?? urlName ?? '');
    if (name === '') throw invalid(type, '', 'metadata.name: Required value: name or generateName is required');
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      throw invalid(
        type,
        name,
        `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    }
    return {
      ...body,
      kind: type.kind,
      apiVersion: apiVersionOf(type),
      metadata: { ...metadata, name, ...(type.namespaced ? { namespace } : {}) },
    };
  }

  /** Keeps the server-owned parts of `previous` (system metadata, status) on a new desired object. */
  private store(
    type: ResourceType,
    desired: Json,
    previous: Json | undefined,
    manager: { name: string; operation: 'Apply' | 'Update' } | undefined,
  ): Json {
    const metadata = { ...(desired.metadata as Json) };
    for (const field of SYSTEM_METADATA) delete metadata[field];
    const object: Json = { ...desired, metadata };
    if (type.hasSpecAndStatus) {
      delete object.status;
      if (previous?.status !== undefined) object.status = clone(previous.status);
    } else if (type.kind === 'Namespace') {
      object.status = previous?.status ?? { phase: 'Active' };
    }
    const previousMeta = (previous?.metadata ?? {}) as Json;
    let managedFields = (previousMeta.managedFields as Json[] | undefined) ?? [];
    if (manager) {
      const applied = { ...desired };
      delete applied.status;
      const appliedMeta = { ...(applied.metadata as Json) };
      for (const field of [...SYSTEM_METADATA, 'name', 'namespace']) delete appliedMeta[field];
      applied.metadata = appliedMeta;
      delete applied.kind;
      delete applied.apiVersion;
      managedFields = [
        ...managedFields.filter((m) => !(m.manager === manager.name && m.operation === manager.operation)),
        {
          manager: manager.name,
          operation: manager.operation,
          apiVersion: apiVersionOf(type),
          time: now(),
          fieldsType: 'FieldsV1',
          fieldsV1: fieldSet(applied),
        },
      ];
    }
    const specChanged = previous === undefined || canonical(previous.spec) !== canonical(object.spec);
    const comparable = (o: Json) => {
      const m = { ...(o.metadata as Json) };
      for (const field of SYSTEM_METADATA) delete m[field];
      return canonical({ ...o, metadata: m });
    };
    if (previous && comparable(previous) === comparable(object)) return previous; // no-op write: nothing changes
    object.metadata = {
      ...metadata,
      uid: previousMeta.uid ?? randomUUID(),
      resourceVersion: this.nextResourceVersion(),
      ...(type.hasSpecAndStatus ? { generation: Number(previousMeta.generation ?? 0) + (specChanged ? 1 : 0) } : {}),
      creationTimestamp: previousMeta.creationTimestamp ?? now(),
      ...(managedFields.length > 0 ? { managedFields } : {}),
    };
    const meta = object.metadata as Json;
    this.objects.set(this.key(type, meta.namespace as string | undefined, String(meta.name)), object);
    if (type.hasSpecAndStatus && specChanged)
      this.scheduleController(type, meta.namespace as string, String(meta.name), Number(meta.generation));
    return object;
  }

  private create(type: ResourceType, namespace: string | undefined, entry: RecordedRequest): [number, unknown] {
    const desired = this.checkBody(type, namespace, entry.body);
    const name = String((desired.metadata as Json).name);
    if (this.objects.has(this.key(type, namespace, name))) {
      throw new HttpProblem(
        statusObject(409, 'AlreadyExists', `${qualified(type)} "${name}" already exists`, details(type, name)),
      );
    }
    const manager = { name: entry.query.fieldManager ?? 'unknown', operation: 'Update' as const };
    if (type.kind === 'Namespace') {
      this.createNamespace(name);
      return [201, clone(this.objects.get(this.key(type, undefined, name)))];
    }
    return [201, clone(this.store(type, desired, undefined, manager))];
  }

  private replace(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    entry: RecordedRequest,
  ): [number, unknown] {
    const desired = this.checkBody(type, namespace, entry.body, name);
    const previous = this.objects.get(this.key(type, namespace, name));
    if (!previous) throw notFound(type, name);
    const sentVersion = (desired.metadata as Json).resourceVersion;
    if (
      sentVersion !== undefined &&
      sentVersion !== '' &&
      sentVersion !== (previous.metadata as Json).resourceVersion
    ) {
      throw new HttpProblem(
        statusObject(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${qualified(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          details(type, name),
        ),
      );
    }
    return [
      200,
      clone(this.store(type, desired, previous, { name: entry.query.fieldManager ?? 'unknown', operation: 'Update' })),
    ];
  }

  private patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    entry: RecordedRequest,
  ): [number, unknown] {
    const previous = this.objects.get(this.key(type, namespace, name));
    switch (entry.contentType) {
      case 'application/apply-patch+yaml': {
        const manager = entry.query.fieldManager;
        if (!manager)
          throw badRequest(
            'PATCH /apply requests must have a fieldManager: fieldManager is required for apply requests',
          );
        if (isObject(entry.body) && (entry.body.kind === undefined || entry.body.apiVersion === undefined)) {
          throw badRequest('invalid object type: apply patches must name their kind and apiVersion');
        }
        const desired = this.checkBody(type, namespace, entry.body, name);
        if (!previous) {
          if (type.namespaced) this.requireNamespace(namespace!);
          return [201, clone(this.store(type, desired, undefined, { name: manager, operation: 'Apply' }))];
        }
        return [200, clone(this.store(type, desired, previous, { name: manager, operation: 'Apply' }))];
      }
      case 'application/merge-patch+json':
      case 'application/strategic-merge-patch+json': {
        if (!previous) throw notFound(type, name);
        const desired = this.checkBody(type, namespace, mergePatch(previous, entry.body), name);
        return [
          200,
          clone(
            this.store(type, desired, previous, { name: entry.query.fieldManager ?? 'unknown', operation: 'Update' }),
          ),
        ];
      }
      default:
        throw new HttpProblem(
          statusObject(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml, application/merge-patch+json, application/strategic-merge-patch+json`,
          ),
        );
    }
  }

  private remove(type: ResourceType, namespace: string | undefined, name: string): [number, unknown] {
    const key = this.key(type, namespace, name);
    const previous = this.objects.get(key);
    if (!previous) throw notFound(type, name);
    this.objects.delete(key);
    if (type.kind === 'Namespace') {
      for (const [k, object] of [...this.objects.entries()])
        if ((object.metadata as Json).namespace === name) this.objects.delete(k);
    }
    this.resourceVersion += 1;
    return [
      200,
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { ...details(type, name), uid: (previous.metadata as Json).uid },
      },
    ];
  }

  private scheduleController(type: ResourceType, namespace: string, name: string, generation: number): void {
    const mode = this.controllerMode;
    if (mode === 'off' || !CONTROLLED_KINDS.has(type.kind)) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const key = this.key(type, namespace, name);
      const object = this.objects.get(key);
      if (!object || (object.metadata as Json).generation !== generation) return;
      const spec = (object.spec ?? {}) as Json;
      const time = now();
      let status: Json;
      if (type.kind === 'DaemonSet') {
        // One node: one pod scheduled; `rollout` makes it available, otherwise it never becomes so.
        status = {
          observedGeneration: generation,
          currentNumberScheduled: 1,
          desiredNumberScheduled: 1,
          updatedNumberScheduled: 1,
          numberMisscheduled: 0,
          numberReady: mode === 'rollout' ? 1 : 0,
          numberAvailable: mode === 'rollout' ? 1 : 0,
          ...(mode === 'rollout' ? {} : { numberUnavailable: 1 }),
        };
      } else if (type.kind === 'Deployment') {
        const replicas = Number(spec.replicas ?? 1);
        if (mode === 'rollout') {
          status = {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              {
                type: 'Available',
                status: 'True',
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
                lastUpdateTime: time,
                lastTransitionTime: time,
              },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${name}" has successfully progressed.`,
                lastUpdateTime: time,
                lastTransitionTime: time,
              },
            ],
          };
        } else {
          status = {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            unavailableReplicas: replicas,
            conditions:
              mode === 'fail'
                ? [
                    {
                      type: 'Progressing',
                      status: 'False',
                      reason: 'ProgressDeadlineExceeded',
                      message: `ReplicaSet "${name}" has timed out progressing.`,
                      lastUpdateTime: time,
                      lastTransitionTime: time,
                    },
                  ]
                : [
                    {
                      type: 'Progressing',
                      status: 'True',
                      reason: 'ReplicaSetUpdated',
                      message: `ReplicaSet "${name}" is progressing.`,
                      lastUpdateTime: time,
                      lastTransitionTime: time,
                    },
                  ],
          };
        }
      } else {
        const completions = Number(spec.completions ?? 1);
        if (mode === 'rollout') {
          status = {
            startTime: time,
            completionTime: time,
            succeeded: completions,
            conditions: [
              { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: time, lastTransitionTime: time },
              { type: 'Complete', status: 'True', lastProbeTime: time, lastTransitionTime: time },
            ],
          };
        } else if (mode === 'fail') {
          status = {
            startTime: time,
            failed: 1,
            conditions: [
              {
                type: 'Failed',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
                lastProbeTime: time,
                lastTransitionTime: time,
              },
            ],
          };
        } else {
          status = { startTime: time, active: 1 };
        }
      }
      object.status = status;
      (object.metadata as Json).resourceVersion = this.nextResourceVersion();
    }, this.controllerDelayMs);
    this.timers.add(timer);
  }
}
