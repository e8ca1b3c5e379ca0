import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

export type Order<T> = ReadonlyArray<readonly [keyof T & string, 'ASC' | 'DESC']>;

export interface FindShape<T> {
  order?: Order<T>;
  limit?: number;
  /** Only these properties are read (the others stay unset). */
  select?: ReadonlyArray<keyof T & string>;
}

/**
 * The hot reads and writes of one entity as plain SQL, built once per shape from TypeORM's metadata and run through
 * the data source's own query runner (so the driver's statement cache, the query logger and the caller's transaction
 * apply as for any other query). Values are converted exactly as TypeORM converts them (`preparePersistentValue`,
 * `prepareHydratedValue`: JSON text, dates, booleans, transformers), so rows written here read back through the
 * repositories and the other way round. Where TypeORM's query builder rebuilds and re-parses the SQL text of every
 * call — a third of the service's CPU per application — a statement here is a cache lookup.
 *
 * Conditions are equality on columns (`IS NULL` for a null value); that is what the per-application paths need.
 */
export class EntityStatements<T extends ObjectLiteral> {
  private readonly columns: ColumnMetadata[];
  private readonly byProperty = new Map<string, ColumnMetadata>();
  private readonly table: string;
  private readonly sql = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    target: EntityTarget<T>,
  ) {
    const metadata = dataSource.getMetadata(target);
    // A join column declared as a column of its own is read and written as that column; one that only exists as the
    // relation's object is not (these entities declare every join column).
    this.columns = metadata.columns.filter((column) => column.propertyName !== column.relationMetadata?.propertyName);
    for (const column of this.columns) this.byProperty.set(column.propertyName, column);
    this.table = this.quote(metadata.tableName);
  }

  /** Rows matching every `where` property (equality), in `order`, at most `limit`. */
  async find(where: Partial<T>, shape: FindShape<T> = {}, manager?: EntityManager): Promise<T[]> {
    const keys = Object.keys(where);
    const selected = shape.select ? shape.select.map((p) => this.column(p)) : this.columns;
    const nulls = keys.map((key) => where[key] === null);
    const cacheKey = `S|${keys.join(',')}|${nulls.join(',')}|${shape.order?.flat().join(',') ?? ''}|${shape.limit ?? ''}|${shape.select?.join(',') ?? '*'}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      let index = 0;
      const conditions = keys.map((key, i) =>
        nulls[i]
          ? `${this.quote(this.column(key).databaseName)} IS NULL`
          : `${this.quote(this.column(key).databaseName)} = ${this.parameter(index++)}`,
      );
      sql =
        `SELECT ${selected.map((c) => this.quote(c.databaseName)).join(', ')} FROM ${this.table}` +
        (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
        (shape.order?.length
          ? ` ORDER BY ${shape.order.map(([p, direction]) => `${this.quote(this.column(p).databaseName)} ${direction}`).join(', ')}`
          : '') +
        (shape.limit !== undefined ? ` LIMIT ${Math.trunc(shape.limit)}` : '');
      this.sql.set(cacheKey, sql);
    }
    const values = this.values(
      where,
      keys.filter((_, i) => !nulls[i]),
    );
    const records = (await this.run(sql, values, manager)).records as Array<Record<string, unknown>>;
    return records.map((raw) => this.hydrate(raw, selected));
  }

  async findOne(
    where: Partial<T>,
    shape: Omit<FindShape<T>, 'limit'> = {},
    manager?: EntityManager,
  ): Promise<T | null> {
    return (await this.find(where, { ...shape, limit: 1 }, manager))[0] ?? null;
  }

  /** Inserts one row: every property present in `row` (a generated column left undefined is generated). */
  async insert(row: Partial<T>, manager?: EntityManager): Promise<void> {
    const keys = Object.keys(row).filter((key) => row[key] !== undefined && this.byProperty.has(key));
    const cacheKey = `I|${keys.join(',')}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      sql =
        `INSERT INTO ${this.table} (${keys.map((key) => this.quote(this.column(key).databaseName)).join(', ')}) ` +
        `VALUES (${keys.map((_, i) => this.parameter(i)).join(', ')})`;
      this.sql.set(cacheKey, sql);
    }
    await this.run(sql, this.values(row, keys), manager);
  }

  /** Sets `changes` on the rows matching `where` (equality); returns how many rows changed. */
  async update(where: Partial<T>, changes: Partial<T>, manager?: EntityManager): Promise<number> {
    const set = Object.keys(changes).filter((key) => changes[key] !== undefined);
    const keys = Object.keys(where);
    if (keys.some((key) => where[key] === null || where[key] === undefined))
      throw new Error('EntityStatements.update: a condition needs a value');
    const cacheKey = `U|${set.join(',')}|${keys.join(',')}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      sql =
        `UPDATE ${this.table} SET ${set.map((key, i) => `${this.quote(this.column(key).databaseName)} = ${this.parameter(i)}`).join(', ')}` +
        ` WHERE ${keys.map((key, i) => `${this.quote(this.column(key).databaseName)} = ${this.parameter(set.length + i)}`).join(' AND ')}`;
      this.sql.set(cacheKey, sql);
    }
    const result = await this.run(sql, [...this.values(changes, set), ...this.values(where, keys)], manager);
    return result.affected ?? 0;
  }

  private async run(
    sql: string,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<{ records: unknown[]; affected?: number }> {
    const own = manager?.queryRunner;
    const runner = own ?? this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, values, true)) as { records: unknown[]; affected?: number };
    } finally {
      if (!own) await runner.release();
    }
  }

  private values(source: Partial<T>, keys: string[]): unknown[] {
    const driver = this.dataSource.driver;
    return keys.map((key) => driver.preparePersistentValue(source[key], this.column(key)));
  }

  private hydrate(raw: Record<string, unknown>, columns: ColumnMetadata[]): T {
    const driver = this.dataSource.driver;
    const row: Record<string, unknown> = {};
    for (const column of columns)
      row[column.propertyName] = driver.prepareHydratedValue(raw[column.databaseName], column);
    return row as T;
  }

  private column(property: string): ColumnMetadata {
    const column = this.byProperty.get(property);
    if (!column) throw new Error(`EntityStatements: no column for property ${property}`);
    return column;
  }

  private parameter(index: number): string {
    return this.dataSource.driver.createParameter(`p${index}`, index);
  }

  private quote(name: string): string {
    return this.dataSource.driver.escape(name);
  }
}
