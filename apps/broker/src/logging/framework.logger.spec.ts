import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bootSummary, databaseLocation } from './boot-summary';
import { FrameworkLogger } from './framework.logger';
import { requestLogLevel } from './logging.options';

function recorder() {
  const calls: string[] = [];
  const at =
    (level: string) =>
    (message: unknown, ...params: unknown[]) =>
      calls.push(`${level} ${String(params.at(-1))}: ${String(message)}`);
  const logger: LoggerService = {
    log: at('info'),
    error: at('error'),
    warn: at('warn'),
    debug: at('debug'),
    verbose: at('verbose'),
    fatal: at('fatal'),
  };
  return { logger, calls };
}

describe('FrameworkLogger', () => {
  it("lowers Nest's boot narration to debug and passes everything else on as it is", () => {
    const { logger, calls } = recorder();
    const framework = new FrameworkLogger(logger);
    framework.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    framework.log('HealthController {/}:', 'RoutesResolver');
    framework.log('AppModule dependencies initialized', 'InstanceLoader');
    framework.log('Nest application successfully started', 'NestApplication');
    framework.log('SIGTERM received: shutting down', 'Bootstrap');
    framework.warn('a route is mapped twice', 'RouterExplorer');
    framework.error('cannot resolve a dependency', 'stack', 'InstanceLoader');
    expect(calls).toEqual([
      'debug RouterExplorer: Mapped {/healthz, GET} route',
      'debug RoutesResolver: HealthController {/}:',
      'debug InstanceLoader: AppModule dependencies initialized',
      'debug NestApplication: Nest application successfully started',
      'info Bootstrap: SIGTERM received: shutting down',
      'warn RouterExplorer: a route is mapped twice',
      'error InstanceLoader: cannot resolve a dependency',
    ]);
  });
});

describe('request log level', () => {
  const answered = (statusCode: number) => ({ statusCode }) as ServerResponse;
  const request = {} as IncomingMessage;

  it('is info for a client error and error only for a server failure', () => {
    expect(requestLogLevel(request, answered(200))).toBe('info');
    expect(requestLogLevel(request, answered(404))).toBe('info');
    expect(requestLogLevel(request, answered(422))).toBe('info');
    expect(requestLogLevel(request, answered(503))).toBe('error');
    expect(requestLogLevel(request, answered(200), new Error('stream broke'))).toBe('error');
  });
});

describe('boot summary', () => {
  it('says where the service and its database are, never with the database password', () => {
    const summary = bootSummary({ host: '127.0.0.1', dataDir: '/var/lib/berth', role: 'all' }, 8080);
    expect(summary.msg).toBe(
      'berth listening on http://127.0.0.1:8080 (API docs http://127.0.0.1:8080/docs; database sqlite /var/lib/berth/berth.sqlite; role all)',
    );
    const postgres = { databaseUrl: 'postgres://berth:s3cret@db.internal:6432/berth', dataDir: '/d' };
    expect(databaseLocation(postgres)).toBe('postgres db.internal:6432/berth');
    expect(databaseLocation({ ...postgres, databaseSchema: 'tenant_a' })).toBe(
      'postgres db.internal:6432/berth (schema tenant_a)',
    );
    expect(JSON.stringify(bootSummary({ host: '::1', role: 'api', ...postgres }, 9000))).not.toContain('s3cret');
    expect(bootSummary({ host: '::1', role: 'api', ...postgres }, 9000).url).toBe('http://[::1]:9000');
  });
});
