import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

/** CORS for the origins of BERTH_ALLOWED_ORIGINS: the methods and headers the API uses, its answer headers readable. */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: ['Accept', 'Content-Type', 'If-Match', 'If-None-Match', 'Last-Event-ID', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  };
}
