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
  // The transaction a call runs inside of, while it is open: work it set going that outlives it (a timer) queues again.
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
  }) as EntityManager['transaction'];
}
