import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * SQLite has one connection, and TypeORM's better-sqlite3 driver runs every transaction on its one query runner: two
 * transactions started at once (a workflow's deploy writing ten deliveries in parallel, concurrent PUTs) nest into
 * each other, and the first to commit ends the other ("cannot start a transaction within a transaction"). Here they
 * run one after another instead; a transaction started inside one (the same async flow) runs in it, as before.
 */
export function serializeTransactions(dataSource: DataSource): void {
  const manager: EntityManager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  const inside = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    if (inside.getStore()) return transaction(...args);
    const run = tail.then(() => inside.run(true, () => transaction(...args)));
    tail = run.catch(() => undefined);
    return run;
  }) as EntityManager['transaction'];
}
