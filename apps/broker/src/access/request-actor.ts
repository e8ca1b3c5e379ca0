import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { OperationActor } from '@berth/persistence';
import type { EntityManager } from 'typeorm';

/** The audit record of the request's change, which the change's own transaction can write (see AuditInterceptor). */
export interface ChangeAudit {
  writeIn(manager: EntityManager, status: number): Promise<void>;
}

const context = new AsyncLocalStorage<{ actor?: OperationActor; audit?: ChangeAudit }>();

/**
 * Who the current request acts for, where the services that queue operations can read it without every call in
 * between passing it along: the middleware opens a context per request, the access guard fills it in.
 */
@Injectable()
export class RequestActorMiddleware implements NestMiddleware {
  use(_request: unknown, _response: unknown, next: () => void): void {
    context.run({}, next);
  }
}

/** Called by the access guard once it knows the identity. */
export function setRequestActor(actor: OperationActor): void {
  const store = context.getStore();
  if (store) store.actor = actor;
}

/** The identity of the request being served; undefined outside a request (the worker, the refresh scheduler). */
export function requestActor(): OperationActor | undefined {
  return context.getStore()?.actor;
}

/** Called by the audit interceptor for a request it audits. */
export function setRequestAudit(audit: ChangeAudit): void {
  const store = context.getStore();
  if (store) store.audit = audit;
}

/** The pending audit record of the request being served, if it is audited. */
export function requestAudit(): ChangeAudit | undefined {
  return context.getStore()?.audit;
}

/**
 * Inside the transaction of the request's change, as its last statement: writes the change's audit record there, with
 * the status the request will answer, so that the change and its record commit together (no second commit before
 * the answer). Outside an audited request (the worker, a scheduler) it does nothing.
 */
export function auditChangeIn(manager: EntityManager, status: number): Promise<void> {
  return requestAudit()?.writeIn(manager, status) ?? Promise.resolve();
}
