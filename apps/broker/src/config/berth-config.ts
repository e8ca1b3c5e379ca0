import type { DatabaseKind } from '@berth/persistence';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const BERTH_ROLES = ['all', 'api', 'worker'] as const;
export type BerthRole = (typeof BERTH_ROLES)[number];

/** Executor tuning that only tests and benchmarks change (not read from the environment). */
export interface LifecycleTuning {
  /** How often an idle worker looks for queued operations (default 250 ms). */
  workerPollMs?: number;
  /** Retry policy of every step (default: 5 attempts, 1 s doubling to 60 s). */
  retry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number; factor?: number };
  /** Per-step timeouts (default: core's DEFAULT_STEP_TIMEOUTS). */
  timeouts?: { defaultMs?: number; byType?: Record<string, number>; byAction?: Record<string, number> };
  /** How often the events stream polls the database (default 200 ms). */
  streamPollMs?: number;
}

/** The service's configuration after validation and defaults. */
export interface BerthConfig {
  host: string;
  port: number;
  /** Absolute path of the data directory (SQLite file, later Pulumi state and work dirs). */
  dataDir: string;
  /** Set for PostgreSQL; undefined for the embedded SQLite database in the data dir. */
  databaseUrl?: string;
  databaseKind: DatabaseKind;
  /** PostgreSQL only: schema to use instead of the URL's default (tests use a fresh one). */
  databaseSchema?: string;
  maxBodyBytes: number;
  logLevel: LogLevel;
  /** Run pending migrations at boot even on PostgreSQL (always done on SQLite). */
  migrateOnBoot: boolean;
  /** all: API and worker; api: no worker; worker: runs operations (the HTTP server still answers health and reads). */
  role: BerthRole;
  /** Operations one worker process runs at once. */
  /** PostgreSQL connections this process keeps at most (BERTH_DATABASE_POOL_SIZE); unset on SQLite. */
  databasePoolSize?: number;
  workerConcurrency: number;
  /** Lease of a claimed operation or workflow run; heartbeats renew it every third of it. */
  leaseSeconds: number;
  /** Refresh of Ready applications every this many ms; 0 disables the schedule. */
  refreshIntervalMs: number;
  /**
   * How long an operation's step states, events and component phases may wait to be written together
   * (BERTH_PROGRESS_WRITE_DELAY; default 200 ms; 0: each at once).
   */
  progressWriteDelayMs: number;
  /** Ceiling on refresh operations queued or running at once (BERTH_REFRESH_CONCURRENCY; default the worker concurrency). */
  refreshConcurrency?: number;
  /**
   * BERTH_SECRET_KEYS (comma-separated: the first seals, every one opens), or BERTH_SECRET_KEY (one key); each 32
   * bytes as base64 or hex. Neither: `<dataDir>/secret.key`, generated on first start.
   */
  secretKeys?: string[];
  /**
   * Time a client has to send a whole request, headers and body (BERTH_REQUEST_TIMEOUT; default 30 s); after it the
   * connection is answered 408 and closed.
   */
  requestTimeoutMs: number;
  /**
   * Directories an environment's `runtime.settings.kubeconfig` file must lie in (BERTH_KUBECONFIG_DIRS; default the
   * service user's `~/.kube`). Empty: no kubeconfig file may be named.
   */
  kubeconfigDirs: string[];
  /**
   * Host header values the API answers (BERTH_ALLOWED_HOSTS, ports ignored; `*.example.com` matches its subdomains,
   * `*` any host). Undefined: the default for the bound address (see http/allowed-hosts.ts).
   */
  allowedHosts?: string[];
  /** Origins (`https://console.example.com`) whose browser requests are accepted and granted CORS. */
  allowedOrigins: string[];
  /** Failed authentications one address may make per minute before it is refused for a minute (429). */
  authFailureLimit: number;
  /**
   * How long a credential that identified someone is believed without a lookup (BERTH_AUTH_CACHE_TTL, default 5 s; 0:
   * every request looks its token and role bindings up). Changes made through this process take effect at once.
   */
  authCacheMs: number;
  /** BERTH_METRICS_REQUIRE_TOKEN: /metrics needs a token with `metrics:read` (default: public like /healthz). */
  metricsRequireToken: boolean;
  /** OIDC: bearer JWTs from this issuer are accepted (BERTH_OIDC_*); undefined: API tokens only. */
  oidc?: OidcSettings;
  lifecycle?: LifecycleTuning;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** The issuer's JWKS (default: `<issuer>/.well-known/jwks.json`). */
  jwksUrl: string;
  /** Claim holding the caller's groups (bound as `group:<name>`), default `groups`. */
  groupsClaim: string;
  clockSkewSeconds: number;
}

export const BERTH_CONFIG = Symbol('BERTH_CONFIG');
