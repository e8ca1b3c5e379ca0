import {
  And,
  LessThan,
  LessThanOrEqual,
  MoreThanOrEqual,
  type DataSource,
  type EntityManager,
  type FindOptionsWhere,
  type QueryRunner,
  type Repository,
} from 'typeorm';
import { AuditRecordEntity } from '../entities/audit-record.entity';

export type NewAuditRecord = Omit<AuditRecordEntity, 'seq'>;

export interface AuditQuery {
  subject?: string;
  environment?: string;
  application?: string;
  verb?: string;
  since?: Date;
  until?: Date;
  /** Only records older than this seq (paging, newest first). */
  before?: number;
  limit: number;
}

export class AuditRecordRepository {
  private readonly rows: Repository<AuditRecordEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(AuditRecordEntity);
  }

  /** Writes the record (in `manager`'s transaction when given) and answers its seq. */
  async insert(record: NewAuditRecord, manager?: EntityManager): Promise<number> {
    const rows = manager ? manager.getRepository(AuditRecordEntity) : this.rows;
    const result = await rows.insert(record);
    return Number(result.identifiers[0]!.seq);
  }

  /** Sets the status of a written record; false when there is none of that seq. */
  async setStatus(seq: number, status: number): Promise<boolean> {
    const { affected } = await this.rows.update({ seq }, { status });
    return (affected ?? 0) > 0;
  }

  /** Newest first, filtered. */
  list(query: AuditQuery): Promise<AuditRecordEntity[]> {
    const where: FindOptionsWhere<AuditRecordEntity> = {};
    if (query.subject) where.subject = query.subject;
    if (query.environment) where.environment = query.environment;
    if (query.application) where.application = query.application;
    if (query.verb) where.verb = query.verb;
    if (query.since && query.until) where.time = And(MoreThanOrEqual(query.since), LessThanOrEqual(query.until));
    else if (query.since) where.time = MoreThanOrEqual(query.since);
    else if (query.until) where.time = LessThanOrEqual(query.until);
    if (query.before !== undefined) where.seq = LessThan(query.before);
    return this.rows.find({ where, order: { seq: 'DESC' }, take: query.limit });
  }

  /** Calls `listener` with the query runner of every transaction of this data source that rolls back. */
  onRollback(listener: (runner: QueryRunner) => void): void {
    this.dataSource.subscribers.push({
      afterTransactionRollback: (event) => {
        if (event.queryRunner) listener(event.queryRunner);
      },
    });
  }
}
