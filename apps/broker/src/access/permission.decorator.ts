import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Permission } from './permissions';

export const PERMISSION_METADATA = 'berth:permission';
export const PUBLIC_METADATA = 'berth:public';

/**
 * Where the environment a route acts on comes from:
 * - `environment`: the `:env` path parameter;
 * - `application`: the application named by the `:env` and `:app` path parameters (a role on the service, the
 *   environment or that one application);
 * - `operation`: the environment of the operation named by the `:id` path parameter;
 * - `listing`: none; any identity may call, and the handler shows only what the caller may read;
 * - `service`: the route acts on the whole service.
 */
export type PermissionScope = 'environment' | 'application' | 'operation' | 'listing' | 'service';

/** What a route declares. */
export interface RouteAccess {
  permission: Permission;
  /** Default: `environment` for routes with an `:env` parameter, else `service`. */
  scope?: PermissionScope;
  /** A boolean query parameter that, when true, makes the route reveal secret values: it then needs `secrets:read`. */
  revealQuery?: string;
  /** A query parameter that, when it has this value, makes the route reveal secret values (e.g. `secrets=values`). */
  revealWhen?: { query: string; value: string };
  /** Default: every method but GET, and every secret read. */
  audited?: boolean;
}

/** What a request is held to, once its query is known. */
export interface PermissionRequirement {
  permission: Permission;
  scope: PermissionScope;
  audited: boolean;
}

/** The permission a route needs (see RouteAccess). Every route declares one, or is `@Public()`. */
export function RequirePermission(permission: Permission, options: Omit<RouteAccess, 'permission'> = {}) {
  return applyDecorators(
    SetMetadata<string, RouteAccess>(PERMISSION_METADATA, { permission, ...options }),
    ApiBearerAuth(),
    ApiExtension('x-berth-permission', permissionText(permission, options)),
  );
}

function permissionText(permission: Permission, options: Omit<RouteAccess, 'permission'>): string {
  const reveals = [
    ...(options.revealWhen ? [`${options.revealWhen.query}=${options.revealWhen.value}`] : []),
    ...(options.revealQuery ? [`${options.revealQuery}=true`] : []),
  ];
  return reveals.length ? `${permission} (${PERMISSIONS_REVEAL} with ${reveals.join(' or ')})` : permission;
}

const PERMISSIONS_REVEAL = 'secrets:read';

export interface PublicOptions {
  /** Public unless BERTH_METRICS_REQUIRE_TOKEN is set (then the route's permission applies). */
  unlessMetricsTokenRequired?: boolean;
}

/** A route anyone may call without credentials (health, readiness; metrics by default). */
export const Public = (options: PublicOptions = {}) =>
  applyDecorators(SetMetadata<string, PublicOptions>(PUBLIC_METADATA, options), ApiExtension('x-berth-public', true));
