import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Times every request and counts it under its route template (never the raw URL: bounded label cardinality). */
@Injectable()
export class MetricsMiddleware implements NestMiddleware {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const template = (request.route as { path?: unknown } | undefined)?.path;
      const route =
        typeof template === 'string' && !template.includes('*') ? `${request.baseUrl ?? ''}${template}` : 'unmatched';
      const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
      this.metrics.observe(method, route, response.statusCode, seconds);
    });
    next();
  }
}
