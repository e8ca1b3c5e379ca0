import type { DataSource, Logger, QueryRunner } from 'typeorm';

/** Counts every statement TypeORM sends (each one is a round trip to PostgreSQL), BEGIN and COMMIT included. */
export class CountingLogger implements Logger {
  statements: string[] = [];
  logQuery(query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    this.statements.push(query.replace(/\s+/g, ' ').slice(0, 160));
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}

  /** Makes this the data source's logger (every statement from now on is counted). */
  attach(dataSource: DataSource): this {
    (dataSource as unknown as { logger: Logger }).logger = this;
    return this;
  }

  /** The statements `work` sent. */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    this.statements = [];
    await work();
    const statements = this.statements;
    this.statements = [];
    return statements;
  }
}
