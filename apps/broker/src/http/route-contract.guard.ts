import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
// The metadata keys of the OpenAPI decorators: the route's declared query parameters and body media types are read
// from the same place the OpenAPI document is built from, so the document and this check cannot disagree.
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { jsonPointer } from '@berth/core';
import type { Request } from 'express';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { parseContentType } from './raw-body.reader';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function shown(name: string): string {
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

/** The names of the route's `@ApiQuery` parameters. */
function declaredQuery(handler: object): ReadonlySet<string> {
  const parameters: unknown = Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler);
  const names = new Set<string>();
  if (Array.isArray(parameters)) {
    for (const parameter of parameters as Array<{ in?: unknown; name?: unknown }>) {
      if (parameter?.in === 'query' && typeof parameter.name === 'string') names.add(parameter.name);
    }
  }
  return names;
}

/** The route's `@ApiConsumes` media types (on the method, else on the controller); none for a bodiless route. */
function declaredMediaTypes(handler: object, controller: object): readonly string[] {
  const types: unknown =
    Reflect.getMetadata(DECORATORS.API_CONSUMES, handler) ?? Reflect.getMetadata(DECORATORS.API_CONSUMES, controller);
  return Array.isArray(types) ? types.filter((type): type is string => typeof type === 'string') : [];
}

function carriesBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}

function queryProblems(request: Request, declared: ReadonlySet<string>): BrokerError | undefined {
  // The query parser ('simple': node:querystring) gives an object without prototype, so a key such as `constructor`
  // or `__proto__` is just a key here, and it is unknown like any other.
  const unknown = Object.keys((request.query ?? {}) as object).filter((key) => !declared.has(key));
  if (unknown.length === 0) return undefined;
  const expected = declared.size ? `this route takes ${[...declared].join(', ')}` : 'this route takes none';
  const problems = unknown.map((key) => {
    const base = /^([^[\]]+)\[.*\]$/.exec(key)?.[1];
    const message =
      base !== undefined && declared.has(base)
        ? `is not a query parameter; give ${base} once, as ${base}=value`
        : `is not a query parameter of this route (${expected})`;
    return { path: jsonPointer('query', key), message };
  });
  return new BrokerError(
    BrokerErrorCode.BadRequest,
    unknown.length === 1
      ? `unknown query parameter ${shown(unknown[0]!)} (${expected})`
      : `unknown query parameters ${unknown.map(shown).join(', ')} (${expected})`,
    problems,
  );
}

function bodyProblem(request: Request, accepted: readonly string[]): BrokerError | undefined {
  if (!MUTATIONS.has(request.method)) return undefined;
  const contentType = request.headers['content-type'];
  const route = `${request.method} ${request.path.length > 200 ? `${request.path.slice(0, 200)}…` : request.path}`;
  if (accepted.length === 0) {
    if (!carriesBody(request)) return undefined;
    return new BrokerError(
      BrokerErrorCode.UnsupportedMediaType,
      `${route} takes no request body (got ${contentType ? shown(contentType) : 'one without Content-Type'}); send none`,
    );
  }
  const mediaType = parseContentType(contentType)?.mediaType;
  if (mediaType !== undefined && accepted.includes(mediaType)) return undefined;
  return new BrokerError(
    BrokerErrorCode.UnsupportedMediaType,
    `Content-Type ${contentType ? shown(contentType) : '(none)'} is not supported; send one of ${accepted.join(', ')}`,
  );
}

/**
 * Holds every request to what its route declares for OpenAPI: no query parameter it does not declare (400 naming
 * it, so a misspelt `dryRun` never turns into a real apply), and a mutation's body only in a declared media type, or
 * no body at all where none is declared (415).
 */
@Injectable()
export class RouteContractGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const handler = context.getHandler();
    const error =
      queryProblems(request, declaredQuery(handler)) ??
      bodyProblem(request, declaredMediaTypes(handler, context.getClass()));
    if (error) throw error;
    return true;
  }
}
