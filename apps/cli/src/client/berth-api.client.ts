import { CliError, CliErrorCode } from '../cli.error';
import type {
  Application,
  WorkflowStatus,
  ApplicationSummary,
  ApplyResult,
  Definition,
  DefinitionSummary,
  Environment,
  Operation,
  OperationEvent,
  OperationSummary,
  Page,
  Problem,
  WorkloadEnv,
} from './api.types';
import { followEventStream, type StreamMessage } from './event-stream';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: string;
  contentType?: string;
  accept?: string;
  /** Answer statuses that are not errors for this call (e.g. 404 while waiting for a deletion). */
  allow?: number[];
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const seg = encodeURIComponent;

/** A thin client of the Berth REST API (docs/api.md) on Node's global fetch. */
export class BerthApiClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    /** Sent as `Authorization: Bearer <token>` (none: the server answers 401 to all but health). */
    private readonly token?: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get url(): string {
    return this.baseUrl;
  }

  // --- applications -------------------------------------------------------------------------------------------------

  async putApplication(
    env: string,
    app: string,
    document: string,
    contentType: string,
    dryRun: boolean,
  ): Promise<ApiResponse<ApplyResult>> {
    return this.request<ApplyResult>('PUT', `/v1/environments/${seg(env)}/applications/${seg(app)}`, {
      body: document,
      contentType,
      query: dryRun ? { dryRun: true } : undefined,
    });
  }

  async listApplications(env: string): Promise<ApplicationSummary[]> {
    const items: ApplicationSummary[] = [];
    // Page through by what the server actually returned (it may cap `limit` lower than asked).
    for (;;) {
      const page = await this.get<Page<ApplicationSummary>>(`/v1/environments/${seg(env)}/applications`, {
        limit: 100,
        offset: items.length,
      });
      items.push(...page.items);
      if (page.items.length === 0 || page.total === undefined || items.length >= page.total) return items;
    }
  }

  async getApplication(env: string, app: string): Promise<Application> {
    return this.get<Application>(`/v1/environments/${seg(env)}/applications/${seg(app)}`);
  }

  /** The application, or null once it no longer exists. */
  async findApplication(env: string, app: string): Promise<Application | null> {
    const res = await this.request<Application>('GET', `/v1/environments/${seg(env)}/applications/${seg(app)}`, {
      allow: [404],
    });
    return res.status === 404 ? null : res.body;
  }

  async deleteApplication(env: string, app: string, orphan: boolean): Promise<{ operation?: OperationSummary }> {
    const res = await this.request<{ operation?: OperationSummary }>(
      'DELETE',
      `/v1/environments/${seg(env)}/applications/${seg(app)}`,
      {
        query: orphan ? { orphan: true } : undefined,
      },
    );
    return res.body ?? {};
  }

  /** `POST …/{app}:resume` or `…:terminate`: continue or end the application's workflow. */
  async workflowAction(env: string, app: string, action: 'resume' | 'terminate'): Promise<WorkflowStatus> {
    const res = await this.request<{ workflow: WorkflowStatus }>(
      'POST',
      `/v1/environments/${seg(env)}/applications/${seg(app)}:${action}`,
    );
    return res.body.workflow;
  }

  async listOperations(env: string, app: string): Promise<OperationSummary[]> {
    return (await this.get<Page<OperationSummary>>(`/v1/environments/${seg(env)}/applications/${seg(app)}/operations`))
      .items;
  }

  async getWorkloadEnv(env: string, app: string, component: string, reveal: boolean): Promise<WorkloadEnv> {
    return this.get<WorkloadEnv>(
      `/v1/environments/${seg(env)}/applications/${seg(app)}/components/${seg(component)}/env`,
      {
        reveal: reveal ? true : undefined,
      },
    );
  }

  // --- operations ---------------------------------------------------------------------------------------------------

  async getOperation(id: string): Promise<Operation> {
    return this.get<Operation>(`/v1/operations/${seg(id)}`);
  }

  async findOperation(id: string): Promise<Operation | null> {
    const res = await this.request<Operation>('GET', `/v1/operations/${seg(id)}`, { allow: [404] });
    return res.status === 404 ? null : res.body;
  }

  async listEvents(id: string, after?: number): Promise<OperationEvent[]> {
    return (await this.get<Page<OperationEvent>>(`/v1/operations/${seg(id)}/events`, { after })).items;
  }

  /**
   * Follows the live event stream of an operation until the server ends it, calling `onEvent` for each event.
   * Resolves with the final Operation carried by the closing `end` message (or fetched when the stream closed early).
   */
  async followEvents(id: string, onEvent: (event: OperationEvent) => void, signal?: AbortSignal): Promise<Operation> {
    const res = await this.send('GET', `/v1/operations/${seg(id)}/events`, { accept: 'text/event-stream', signal });
    if (!res.ok) await this.fail(res);
    let final: Operation | undefined;
    await followEventStream(res, (message: StreamMessage) => {
      if (message.event === 'end') {
        final = message.data ? (JSON.parse(message.data) as Operation) : undefined;
        return;
      }
      if (message.data) onEvent(JSON.parse(message.data) as OperationEvent);
    });
    return final ?? (await this.getOperation(id));
  }

  // --- environments and definitions ---------------------------------------------------------------------------------

  async listEnvironments(): Promise<Environment[]> {
    return (await this.get<Page<Environment>>('/v1/environments')).items;
  }

  async listDefinitions(): Promise<DefinitionSummary[]> {
    return (await this.get<Page<DefinitionSummary>>('/v1/definitions')).items;
  }

  async getDefinition(type: string): Promise<Definition> {
    return this.get<Definition>(`/v1/definitions/${seg(type)}`);
  }

  // --- plumbing -----------------------------------------------------------------------------------------------------

  async get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const res = await this.send(method, path, options);
    if (!res.ok && !(options.allow ?? []).includes(res.status)) await this.fail(res);
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const body = (text && /json/i.test(type) ? JSON.parse(text) : text || undefined) as T;
    return { status: res.status, headers: res.headers, body };
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json, application/problem+json' };
    if (options.contentType) headers['content-type'] = options.contentType;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(url, { method, headers, body: options.body, signal: options.signal });
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private unreachable(error: unknown): Error {
    if (error instanceof Error && error.name === 'AbortError') return error;
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return new CliError(
      CliErrorCode.Unreachable,
      `the Berth server at ${this.baseUrl} is not reachable (${reason}); start it with \`npm start\` or point BERTH_URL at it`,
    );
  }

  private async fail(res: Response): Promise<never> {
    const text = await res.text().catch(() => '');
    const type = res.headers.get('content-type') ?? '';
    let problem: Problem | undefined;
    if (/json/i.test(type)) {
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        problem = undefined;
      }
    }
    if (problem && res.status === 401)
      problem.detail = `${problem.detail ?? 'unauthenticated'}; set BERTH_TOKEN or run \`berth login\``;
    if (problem && (problem.title || problem.detail || problem.errors)) {
      throw new CliError(CliErrorCode.Server, problem.title ?? `${res.status} ${res.statusText}`, {
        status: res.status,
        ...problem,
      });
    }
    const firstLine = text
      .split('\n')
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 200);
    throw new CliError(CliErrorCode.Server, `the server answered ${res.status} ${res.statusText}`, {
      status: res.status,
      title: `${res.status} ${res.statusText}`,
      detail: firstLine,
    });
  }
}
