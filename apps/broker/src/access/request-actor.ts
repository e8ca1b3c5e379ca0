import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { OperationActor } from '@berth/persistence';

const context = new AsyncLocalStorage<{ actor?: OperationActor }>();

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
