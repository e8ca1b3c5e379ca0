import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './persistence.error';

/** What a driver threw, caught. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('isDatabaseUnavailable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-unavailable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows a locked SQLite file (SQLITE_BUSY) and one that cannot be opened (SQLITE_CANTOPEN)', () => {
    const file = join(dir, 'busy.sqlite');
    const holder = new Database(file);
    holder.pragma('journal_mode = DELETE');
    holder.exec('CREATE TABLE t (x INTEGER)');
    holder.exec('BEGIN EXCLUSIVE');
    const waiter = new Database(file, { timeout: 0 });
    const busy = thrown(() => waiter.prepare('SELECT * FROM t').all());
    expect((busy as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    expect(isDatabaseUnavailable(busy)).toBe(true);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], busy as Error))).toBe(true);
    holder.exec('COMMIT');
    waiter.close();
    holder.close();

    mkdirSync(join(dir, 'a-directory'));
    const cantOpen = thrown(() => new Database(join(dir, 'a-directory')));
    expect((cantOpen as { code?: string }).code).toMatch(/^SQLITE_CANTOPEN/);
    expect(isDatabaseUnavailable(cantOpen)).toBe(true);
  });

  it('does not take a wrong query for an outage', async () => {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: join(dir, 'ok.sqlite') });
    await dataSource.initialize();
    try {
      const error = await dataSource.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('SQLITE_ERROR');
      expect(isDatabaseUnavailable(error)).toBe(false);
      await dataSource.destroy();
      // A closed data source is not connected: TypeORM's own error says so by name.
      expect(isDatabaseUnavailable(await dataSource.query('SELECT 1').catch((e: unknown) => e))).toBe(true);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  });

  it('tells PostgreSQL outages by SQLSTATE, and a failed query from a failed connect', () => {
    const server = (code: string) => Object.assign(new Error('x'), { code, severity: 'FATAL' });
    const query = (code: string) => new QueryFailedError('SELECT 1', [], server(code));
    for (const code of ['08006', '08001', '57P01', '57P03', '53300', '53100', '58030', '25006', '28P01', '3D000']) {
      expect(isDatabaseUnavailable(query(code)), code).toBe(true);
    }
    for (const code of ['42P01', '23505', '22P02', '42501', '55000']) {
      expect(isDatabaseUnavailable(query(code)), code).toBe(false);
    }
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'ENOTFOUND']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('connect failed'), { code })), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
  });
});
