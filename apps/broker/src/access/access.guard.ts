import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { OperationRepository } from '@berth/persistence';
import type { Request } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { booleanQuery } from '../http/query-params';
import { BrokerError } from '../problems/broker.error';
import { AccessError, AccessErrorCode } from './access.error';
import { AuditService } from './audit.service';
import { Authenticator } from './authenticator';
import type { Identity } from './identity';
import {
  PERMISSION_METADATA,
  type PermissionRequirement,
  type PermissionScope,
  PUBLIC_METADATA,
  type PublicOptions,
  type RouteAccess,
} from './permission.decorator';
import { PERMISSIONS, type Permission } from './permissions';
import { setRequestActor } from './request-actor';

export interface IdentifiedRequest extends Request {
  identity?: Identity;
  /** The permission this request was held to (the audit interceptor records it). */
  requirement?: PermissionRequirement;
}

const FAILURE_WINDOW_MS = 60_000;
const THROTTLER = 'failed-authentication';

const shown = (name: string) => JSON.stringify(name.slice(0, 100));

/** The permission a request needs: the route's, or the secret-reading one when its reveal query asks for values. */
export function requirementOf(access: RouteAccess, request: Request): PermissionRequirement {
  let permission: Permission = access.permission;
  if (access.revealQuery) {
    let reveal = false;
    try {
      reveal = booleanQuery(access.revealQuery, (request.query as Record<string, unknown>)?.[access.revealQuery]);
    } catch {
      // A malformed value is the handler's 400 to give; it reveals nothing.
    }
    if (reveal) permission = PERMISSIONS.secretsRead;
  }
  if (
    access.revealWhen &&
    (request.query as Record<string, unknown>)?.[access.revealWhen.query] === access.revealWhen.value
  )
    permission = PERMISSIONS.secretsRead;
  const scope: PermissionScope = access.scope ?? (request.params?.env !== undefined ? 'environment' : 'service');
  const audited = access.audited ?? (request.method !== 'GET' || permission === PERMISSIONS.secretsRead);
  return { permission, scope, audited };
}

/**
 * Every request but the public ones must carry `Authorization: Bearer <token>` (an API token or an OIDC JWT), and the
 * identity must hold the permission its route declares, in the route's environment. Refusals: 401 without or with bad
 * credentials, 429 after too many failed ones from one address, 404 for an environment the identity has no role in
 * (its names never leak), 403 naming the permission for one it knows.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ThrottlerStorageService) private readonly failures: ThrottlerStorageService,
    @Inject(OperationRepository) private readonly operations: OperationRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const handler = context.getHandler();
    const open = this.reflector.get<PublicOptions | undefined>(PUBLIC_METADATA, handler);
    if (open && !(open.unlessMetricsTokenRequired && this.config.metricsRequireToken)) return true;
    const access = this.reflector.get<RouteAccess | undefined>(PERMISSION_METADATA, handler);
    if (!access)
      throw new AccessError(
        AccessErrorCode.PermissionDenied,
        `${request.method} ${request.path} declares no permission`,
      );
    const requirement = requirementOf(access, request);
    request.requirement = requirement;
    const identity = await this.identify(request, requirement);
    request.identity = identity;
    setRequestActor({ subject: identity.subject, tokenName: identity.tokenName ?? null });
    try {
      await this.authorize(identity, requirement, request);
    } catch (error) {
      if (requirement.audited) await this.audit.record(request, identity, requirement.permission, statusOf(error));
      throw error;
    }
    return true;
  }

  private async identify(request: IdentifiedRequest, requirement: PermissionRequirement): Promise<Identity> {
    const address = request.socket?.remoteAddress ?? 'unknown';
    const key = `auth-failures:${address}`;
    const held = this.failures.storage.get(key);
    if (held?.isBlocked && held.blockExpiresAt > Date.now())
      throw new AccessError(
        AccessErrorCode.TooManyFailures,
        'too many failed authentications from this address; wait before trying again',
        Math.max(1, Math.ceil((held.blockExpiresAt - Date.now()) / 1000)),
      );
    const outcome = await this.authenticator.authenticate(request.headers.authorization);
    if ('identity' in outcome) return outcome.identity;
    const error = new AccessError(AccessErrorCode.Unauthenticated, outcome.refused);
    if (outcome.counts) {
      const hit = await this.failures.increment(
        key,
        FAILURE_WINDOW_MS,
        this.config.authFailureLimit,
        FAILURE_WINDOW_MS,
        THROTTLER,
      );
      if (hit.totalHits > this.config.authFailureLimit)
        throw new AccessError(
          AccessErrorCode.TooManyFailures,
          'too many failed authentications from this address; wait before trying again',
          Math.max(1, hit.timeToBlockExpire),
        );
    }
    if (requirement.audited) await this.audit.record(request, undefined, requirement.permission, 401);
    throw error;
  }

  private async authorize(identity: Identity, requirement: PermissionRequirement, request: Request): Promise<void> {
    const { permission } = requirement;
    const denied = (where: string) =>
      new AccessError(AccessErrorCode.PermissionDenied, `${identity.subject} lacks permission ${permission} ${where}`);
    switch (requirement.scope) {
      case 'listing':
        return;
      case 'service':
        if (!identity.canOnService(permission)) throw denied('on the service');
        return;
      case 'environment': {
        const environment = String(request.params.env);
        if (identity.canIn(permission, environment)) return;
        if (!identity.knows(environment)) throw BrokerError.notFound(`environment ${shown(environment)}`);
        throw denied(`in environment ${environment}`);
      }
      case 'application': {
        const environment = String(request.params.env);
        const application = String(request.params.app);
        if (identity.canOnApplication(permission, environment, application)) return;
        if (!identity.knows(environment) && !identity.knowsApplication(environment, application))
          throw BrokerError.notFound(`environment ${shown(environment)}`);
        throw denied(`on application ${application} in environment ${environment}`);
      }
      case 'operation': {
        const id = String(request.params.id);
        const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.operations.find(id) : null;
        // An unknown operation is the handler's 404 (the same one as for an operation out of scope).
        if (!row || identity.canIn(permission, row.environmentName)) return;
        if (!identity.knows(row.environmentName)) throw BrokerError.notFound(`operation ${shown(id)}`);
        throw denied(`in environment ${row.environmentName}`);
      }
    }
  }
}

function statusOf(error: unknown): number {
  if (error instanceof AccessError) return error.code === AccessErrorCode.PermissionDenied ? 403 : 401;
  if (error instanceof BrokerError) return 404;
  return 500;
}
