/**
 * What a caller may do, and where. A permission is `<resource>:<verb>`; a role is a set of permissions; a role binding
 * grants a role to a subject on a scope (one environment, or the whole service).
 */
export const PERMISSIONS = {
  /** Read environments (their profiles and runtime, never a credential). */
  environmentsRead: 'environments:read',
  /** Create or replace environments and their provider profiles. */
  environmentsWrite: 'environments:write',
  /** Read applications: specs, status, revisions, operations, events, plans, manifests without values. */
  applicationsRead: 'applications:read',
  /** Apply, delete, retry, refresh, rotate. */
  applicationsWrite: 'applications:write',
  /** Read secret values: `?reveal=true`, manifests with values, the External Secrets endpoint. */
  secretsRead: 'secrets:read',
  /** Read the component type definitions (no environment: any identity). */
  definitionsRead: 'definitions:read',
  /** Create, list and revoke API tokens (service-wide). */
  tokensManage: 'tokens:manage',
  /** Create, list and delete role bindings (service-wide). */
  roleBindingsManage: 'role-bindings:manage',
  /** Read the audit trail (service-wide). */
  auditRead: 'audit:read',
  /** Read one's own identity and roles (`GET /v1/whoami`: any identity). */
  identityRead: 'identity:read',
  /** Read /metrics when BERTH_METRICS_REQUIRE_TOKEN is set. */
  metricsRead: 'metrics:read',
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
export const ALL_PERMISSIONS: readonly Permission[] = Object.values(PERMISSIONS);

/** Permissions that only make sense on the whole service (no environment names them). */
export const SERVICE_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  PERMISSIONS.tokensManage,
  PERMISSIONS.roleBindingsManage,
  PERMISSIONS.auditRead,
  PERMISSIONS.metricsRead,
  PERMISSIONS.definitionsRead,
  PERMISSIONS.identityRead,
]);

/** Permissions every authenticated identity has, whatever its bindings. */
export const ANY_IDENTITY: ReadonlySet<Permission> = new Set<Permission>([
  PERMISSIONS.definitionsRead,
  PERMISSIONS.identityRead,
]);

export const ROLES = ['viewer', 'developer', 'secret-reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const VIEWER: Permission[] = [PERMISSIONS.environmentsRead, PERMISSIONS.applicationsRead];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: VIEWER,
  developer: [...VIEWER, PERMISSIONS.applicationsWrite],
  'secret-reader': [...VIEWER, PERMISSIONS.secretsRead],
  admin: ALL_PERMISSIONS,
};

/**
 * `service` (everywhere), `environment:<name>`, or `application:<environment>/<application>`: one application of one
 * environment, the narrowest scope (e.g. the token the External Secrets Operator reads one application's secrets with).
 */
export type Scope =
  | { kind: 'service' }
  | { kind: 'environment'; environment: string }
  | { kind: 'application'; environment: string; application: string };

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ENVIRONMENT_SCOPE = new RegExp(`^environment:(${LABEL})$`);
const APPLICATION_SCOPE = new RegExp(`^application:(${LABEL})/(${LABEL})$`);

/** Parses a scope as written in a role binding; undefined when it is none of the forms. */
export function parseScope(text: string): Scope | undefined {
  if (text === 'service') return { kind: 'service' };
  const environment = ENVIRONMENT_SCOPE.exec(text);
  if (environment) return { kind: 'environment', environment: environment[1]! };
  const application = APPLICATION_SCOPE.exec(text);
  return application ? { kind: 'application', environment: application[1]!, application: application[2]! } : undefined;
}

export function scopeText(scope: Scope): string {
  if (scope.kind === 'service') return 'service';
  if (scope.kind === 'environment') return `environment:${scope.environment}`;
  return `application:${scope.environment}/${scope.application}`;
}
