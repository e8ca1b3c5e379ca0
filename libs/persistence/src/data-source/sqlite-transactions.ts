import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

/**
 * better-sqlite3 has one connection, and TypeORM one query runner on it: two transactions begun at once from
 * different requests (a PUT pruning deliveries while the workflow runner writes one) nest as savepoints of each other
 * and end with "cannot start a transaction within a transaction". Transactions of the DataSource are therefore run
 * one after another; a transaction begun inside one (not through its manager) still nests there, as before.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  // The transaction a call runs inside of, while it lasts (a timer set up inside one outlives it: it queues again).
  const inside = new AsyncLocalStorage<{ open: boolean }>();
  let tail: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    if (inside.getStore()?.open) return transaction(...args);
    const current = { open: true };
    const run = tail.then(() =>
      inside
        .run(current, () => transaction(...args))
        .finally(() => {
          current.open = false;
        }),
    );
    tail = run.catch(() => undefined);
    return run;
  }) as typeof manager.transaction;
}
