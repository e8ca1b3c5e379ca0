import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { namePreparedStatements, sendByName } from './postgres-prepared';

export type Order<T> = ReadonlyArray<readonly [keyof T & string, 'ASC' | 'DESC']>;

export interface FindShape<T> {
  order?: Order<T>;
  limit?: number;
  /** Only these properties are read (the others stay unset). */
  select?: ReadonlyArray<keyof T & string>;
  /** PostgreSQL: lock the rows read (`FOR UPDATE`) until the caller's transaction ends; SQLite serializes writers. */
  lock?: boolean;
}

/**
 * An UPDATE made to go with another write (`EntityStatements.updateThenInsert`'s `also`): on PostgreSQL in the same
 * statement, elsewhere right after it. At most one per row: PostgreSQL applies only one of two updates of a row made
 * in one statement.
 */
export interface DependentUpdate {
  /** The rows it updates (table and condition), so that two updates of the same rows in one write are refused. */
  readonly target: string;
  /** On PostgreSQL: the UPDATE, ending with its WHERE, its placeholders numbered from `offset`; `cacheKey` its shape. */
  statement(offset: number): { sql: string; values: unknown[]; cacheKey: string };
  /** Elsewhere: the update on its own, in `manager`'s transaction. */
  run(manager?: EntityManager): Promise<unknown>;
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
  private readonly postgres: boolean;

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
    this.postgres = dataSource.driver.options.type === 'postgres';
  }

  /** Rows matching every `where` property (equality), in `order`, at most `limit`. */
  async find(where: Partial<T>, shape: FindShape<T> = {}, manager?: EntityManager): Promise<T[]> {
    const keys = Object.keys(where);
    const selected = shape.select ? shape.select.map((p) => this.column(p)) : this.columns;
    const nulls = keys.map((key) => where[key] === null);
    const lock = shape.lock === true && this.postgres;
    const cacheKey = `S|${keys.join(',')}|${nulls.join(',')}|${shape.order?.flat().join(',') ?? ''}|${shape.limit ?? ''}|${shape.select?.join(',') ?? '*'}|${lock}`;
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
        (shape.limit !== undefined ? ` LIMIT ${Math.trunc(shape.limit)}` : '') +
        (lock ? ' FOR UPDATE' : '');
      this.sql.set(cacheKey, sql);
    }
    const values = this.values(
      where,
      keys.filter((_, i) => !nulls[i]),
    );
    const records = (await this.run(sql, values, manager)).records as Array<Record<string, unknown>>;
    return records.map((raw) => this.hydrateColumns(raw, selected));
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
    const keys = this.insertKeys(row);
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

  /**
   * Inserts the rows in one statement (a multi-row VALUES); every row has the properties of the first (undefined
   * ones are left to their default).
   */
  async insertMany(rows: ReadonlyArray<Partial<T>>, manager?: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    if (rows.length === 1) return this.insert(rows[0], manager);
    const keys = this.insertKeys(rows[0]);
    const cacheKey = `M|${keys.join(',')}|${rows.length}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      sql =
        `INSERT INTO ${this.table} (${keys.map((key) => this.quote(this.column(key).databaseName)).join(', ')}) VALUES ` +
        rows.map((_, r) => `(${keys.map((_, i) => this.parameter(r * keys.length + i)).join(', ')})`).join(', ');
      this.sql.set(cacheKey, sql);
    }
    await this.run(
      sql,
      rows.flatMap((row) => this.values(row, keys)),
      manager,
    );
  }

  /**
   * Inserts `row`, or where a row with the same `conflict` properties exists (a unique index over them), sets the
   * `update` properties of `row` on it instead: one statement (`ON CONFLICT … DO UPDATE`, SQLite and PostgreSQL).
   */
  async insertOrUpdate(
    row: Partial<T>,
    conflict: ReadonlyArray<keyof T & string>,
    update: ReadonlyArray<keyof T & string>,
    manager?: EntityManager,
  ): Promise<void> {
    const keys = this.insertKeys(row);
    const cacheKey = `O|${keys.join(',')}|${conflict.join(',')}|${update.join(',')}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      const name = (key: string) => this.quote(this.column(key).databaseName);
      sql =
        `INSERT INTO ${this.table} (${keys.map(name).join(', ')}) VALUES (${keys.map((_, i) => this.parameter(i)).join(', ')})` +
        ` ON CONFLICT (${conflict.map(name).join(', ')}) DO UPDATE SET ${update.map((key) => `${name(key)} = excluded.${name(key)}`).join(', ')}`;
      this.sql.set(cacheKey, sql);
    }
    await this.run(sql, this.values(row, keys), manager);
  }

  /** Sets `changes` on the rows matching `where` (equality); returns how many rows changed. */
  async update(where: Partial<T>, changes: Partial<T>, manager?: EntityManager): Promise<number> {
    const { sql, values } = this.updateStatement(where, changes);
    const result = await this.run(sql, values, manager);
    return result.affected ?? 0;
  }

  /**
   * `update`, and only when it changed a row, `insertMany(rows)` into `into`'s table: on PostgreSQL one statement
   * (a data-modifying WITH), so one round trip instead of two; elsewhere (SQLite, in-process) the two statements.
   * Returns how many rows the update changed.
   */
  async updateThenInsert<E extends ObjectLiteral>(
    where: Partial<T>,
    changes: Partial<T>,
    into: EntityStatements<E>,
    rows: ReadonlyArray<Partial<E>>,
    manager?: EntityManager,
    also: readonly DependentUpdate[] = [],
  ): Promise<number> {
    const targets = new Set(also.map((u) => u.target));
    if (targets.size < also.length)
      throw new Error('EntityStatements.updateThenInsert: the same rows twice in one write (merge the updates)');
    if (!this.postgres || (rows.length === 0 && also.length === 0)) {
      const changed = await this.update(where, changes, manager);
      if (changed > 0) {
        await into.insertMany(rows, manager);
        for (const update of also) await update.run(manager);
      }
      return changed;
    }
    const update = this.updateStatement(where, changes);
    const keys = rows.length ? into.insertKeys(rows[0]!) : [];
    let offset = update.values.length + rows.length * keys.length;
    const dependents = also.map((dependent) => {
      const statement = dependent.statement(offset);
      offset += statement.values.length;
      return statement;
    });
    const cacheKey =
      `W|${update.cacheKey}|${into.table}|${keys.join(',')}|${rows.length}|` +
      dependents.map((d) => d.cacheKey).join('|');
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      // VALUES outside an INSERT's own list has no column types to give its parameters: each is cast to its column's.
      const first = update.values.length;
      const types = keys.map((key) => this.dataSource.driver.normalizeType(into.column(key)));
      const valueRows = rows.map(
        (_, r) => `(${keys.map((_, i) => `${this.parameter(first + r * keys.length + i)}::${types[i]}`).join(', ')})`,
      );
      const inserted = rows.length
        ? `, inserted AS (INSERT INTO ${into.table} (${keys.map((key) => into.quote(into.column(key).databaseName)).join(', ')}) ` +
          `SELECT * FROM (VALUES ${valueRows.join(', ')}) AS v WHERE EXISTS (SELECT 1 FROM changed))`
        : '';
      const updated = dependents.map((d, i) => `, also${i} AS (${d.sql} AND EXISTS (SELECT 1 FROM changed))`).join('');
      sql =
        `WITH changed AS (${update.sql} RETURNING 1)${inserted}${updated} ` +
        `SELECT count(*)::int AS "changed" FROM changed`;
      this.sql.set(cacheKey, sql);
    }
    const values = [
      ...update.values,
      ...rows.flatMap((row) => into.values(row, keys)),
      ...dependents.flatMap((d) => d.values),
    ];
    const records = (await this.run(sql, values, manager)).records as Array<{ changed: number }>;
    return Number(records[0]?.changed ?? 0);
  }

  /** An update of the rows matching `where` to go with another write (see `updateThenInsert`). */
  updating(where: Partial<T>, changes: Partial<T>): DependentUpdate {
    return {
      target: `${this.table}|${JSON.stringify(where)}`,
      statement: (offset) => {
        const statement = this.updateStatement(where, changes, offset);
        return { ...statement, cacheKey: `${this.table}:${statement.cacheKey}` };
      },
      run: (manager) => this.update(where, changes, manager),
    };
  }

  /**
   * Inserts `row`, then `rows` into `into`'s table: on PostgreSQL one statement (a data-modifying WITH), elsewhere
   * the two statements (atomic when `manager` is a transaction's).
   */
  async insertThenInsert<E extends ObjectLiteral>(
    row: Partial<T>,
    into: EntityStatements<E>,
    rows: ReadonlyArray<Partial<E>>,
    manager?: EntityManager,
  ): Promise<void> {
    if (rows.length === 0 || !this.postgres) {
      await this.insert(row, manager);
      await into.insertMany(rows, manager);
      return;
    }
    const keys = this.insertKeys(row);
    const intoKeys = into.insertKeys(rows[0]);
    const cacheKey = `II|${keys.join(',')}|${into.table}|${intoKeys.join(',')}|${rows.length}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      const offset = keys.length;
      sql =
        `WITH first AS (INSERT INTO ${this.table} (${keys.map((key) => this.quote(this.column(key).databaseName)).join(', ')}) ` +
        `VALUES (${keys.map((_, i) => this.parameter(i)).join(', ')})) ` +
        `INSERT INTO ${into.table} (${intoKeys.map((key) => into.quote(into.column(key).databaseName)).join(', ')}) VALUES ` +
        rows
          .map((_, r) => `(${intoKeys.map((_, i) => this.parameter(offset + r * intoKeys.length + i)).join(', ')})`)
          .join(', ');
      this.sql.set(cacheKey, sql);
    }
    await this.run(sql, [...this.values(row, keys), ...rows.flatMap((r) => into.values(r, intoKeys))], manager);
  }

  /** The quoted column list of every column (for a RETURNING clause). */
  columnList(): string {
    return this.columns.map((c) => this.quote(c.databaseName)).join(', ');
  }

  /** A property's value as the database takes it (what `insert` and `update` send). */
  persistent<K extends keyof T & string>(property: K, value: T[K]): unknown {
    return this.dataSource.driver.preparePersistentValue(value, this.column(property));
  }

  /** Runs hand-written SQL (in `manager`'s transaction when given); rows it returns with every column are `hydrate`d. */
  async query(
    sql: string,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<{ records: Array<Record<string, unknown>>; affected?: number }> {
    return (await this.run(sql, values, manager, false)) as {
      records: Array<Record<string, unknown>>;
      affected?: number;
    };
  }

  /** A raw row with every column (as `columnList()` selects them) as the entity. */
  hydrate(raw: Record<string, unknown>): T {
    return this.hydrateColumns(raw, this.columns);
  }

  /** The placeholder of the `index`-th (0-based) value of a statement on this driver. */
  parameter(index: number): string {
    return this.dataSource.driver.createParameter(`p${index}`, index);
  }

  private insertKeys(row: Partial<T>): string[] {
    return Object.keys(row).filter((key) => row[key] !== undefined && this.byProperty.has(key));
  }

  /** The UPDATE of `changes` where `where`, its placeholders numbered from `offset`. */
  private updateStatement(
    where: Partial<T>,
    changes: Partial<T>,
    offset = 0,
  ): { sql: string; values: unknown[]; cacheKey: string } {
    const set = Object.keys(changes).filter((key) => changes[key] !== undefined);
    const keys = Object.keys(where);
    if (keys.some((key) => where[key] === null || where[key] === undefined))
      throw new Error('EntityStatements.update: a condition needs a value');
    const cacheKey = `U|${set.join(',')}|${keys.join(',')}|${offset}`;
    let sql = this.sql.get(cacheKey);
    if (!sql) {
      sql =
        `UPDATE ${this.table} SET ${set.map((key, i) => `${this.quote(this.column(key).databaseName)} = ${this.parameter(offset + i)}`).join(', ')}` +
        ` WHERE ${keys.map((key, i) => `${this.quote(this.column(key).databaseName)} = ${this.parameter(offset + set.length + i)}`).join(' AND ')}`;
      this.sql.set(cacheKey, sql);
    }
    return { sql, values: [...this.values(changes, set), ...this.values(where, keys)], cacheKey };
  }

  /** Runs `sql`; a statement this class built (`prepared`) goes to PostgreSQL as a named prepared statement. */
  private async run(
    sql: string,
    values: unknown[],
    manager?: EntityManager,
    prepared = true,
  ): Promise<{ records: unknown[]; affected?: number }> {
    const own = manager?.queryRunner;
    const runner = own ?? this.dataSource.createQueryRunner();
    try {
      if (prepared && this.postgres) {
        sendByName(sql);
        namePreparedStatements(await runner.connect());
      }
      return (await runner.query(sql, values, true)) as { records: unknown[]; affected?: number };
    } finally {
      if (!own) await runner.release();
    }
  }

  private values(source: Partial<T>, keys: string[]): unknown[] {
    const driver = this.dataSource.driver;
    return keys.map((key) => driver.preparePersistentValue(source[key], this.column(key)));
  }

  private hydrateColumns(raw: Record<string, unknown>, columns: ColumnMetadata[]): T {
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

  private quote(name: string): string {
    return this.dataSource.driver.escape(name);
  }
}
