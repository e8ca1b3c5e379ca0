import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';

describe('SQLite transactions begun at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sqlite-transactions-'));
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource({ dataDir: dir, migrations: [] });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('each commits or rolls back on its own, a nested one still nests', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        dataSource.transaction(async (manager) => {
          await manager.query('INSERT INTO note (text) VALUES (?)', [`first ${i}`]);
          await pause(); // another request's transaction would begin here
          if (i % 4 === 3) throw new Error(`roll back ${i}`);
          await dataSource.transaction((inner) => inner.query('INSERT INTO note (text) VALUES (?)', [`nested ${i}`]));
          await manager.query('INSERT INTO note (text) VALUES (?)', [`second ${i}`]);
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i % 4 === 3 ? 'rejected' : 'fulfilled')),
    );
    const rows: Array<{ text: string }> = await dataSource.query('SELECT text FROM note ORDER BY id');
    const kept = [0, 1, 2, 4, 5, 6].flatMap((i) => [`first ${i}`, `nested ${i}`, `second ${i}`]);
    expect(rows.map((r) => r.text)).toEqual(kept);
  });
});
