import { sqliteFile } from '@berth/persistence';
import type { BerthConfig } from '../config/berth-config';

/** Where the database is, without credentials: the SQLite file, or PostgreSQL's host, port, database (and schema). */
export function databaseLocation(config: Pick<BerthConfig, 'databaseUrl' | 'databaseSchema' | 'dataDir'>): string {
  if (!config.databaseUrl) return `sqlite ${sqliteFile(config.dataDir)}`;
  try {
    const url = new URL(config.databaseUrl);
    const database = url.pathname.replace(/^\//, '') || 'postgres';
    return `postgres ${url.hostname}:${url.port || 5432}/${database}${config.databaseSchema ? ` (schema ${config.databaseSchema})` : ''}`;
  } catch {
    return 'postgres';
  }
}

/**
 * The one info line a start prints once the service listens: where to reach it and its docs, which database it uses
 * and which role it runs; the same facts as fields, for log queries.
 */
export function bootSummary(
  config: Pick<BerthConfig, 'host' | 'databaseUrl' | 'databaseSchema' | 'dataDir' | 'role'>,
  port: number,
): { msg: string; url: string; database: string; role: string } {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const database = databaseLocation(config);
  return {
    msg: `berth listening on ${url} (API docs ${url}/docs; database ${database}; role ${config.role})`,
    url,
    database,
    role: config.role,
  };
}
