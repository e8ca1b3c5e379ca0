import { AuditRecordEntity } from '@berth/persistence';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { ChangeAudit } from './request-actor';

/** What an audit record says besides its time and status. */
export type AuditFields = Omit<AuditRecordEntity, 'seq' | 'time' | 'status'>;

/**
 * The audit record of one audited request, written exactly once: inside the change's own transaction when the
 * request's service offers it one (`writeIn`, the PUT of an application), else on its own when the request ends
 * (`settle`: secret reads, refusals by the handler, changes without a transaction of their own). `settle` also puts
 * right a record written in a transaction that then rolled back (written again) or whose answer ended with another
 * status than the one foreseen (its status updated).
 */
export class AuditEntry implements ChangeAudit {
  private written?: { seq: number; status: number; runner: QueryRunner | undefined };

  constructor(
    private readonly dataSource: DataSource,
    private readonly fields: AuditFields,
  ) {}

  async writeIn(manager: EntityManager, status: number): Promise<void> {
    const result = await manager.getRepository(AuditRecordEntity).insert({ ...this.fields, time: new Date(), status });
    this.written = { seq: Number(result.identifiers[0]!.seq), status, runner: manager.queryRunner };
  }

  /** A transaction of this request rolled back: if it held the record, the record is gone. */
  rolledBack(runner: QueryRunner): void {
    if (this.written?.runner === runner) this.written = undefined;
  }

  /** The request ended with `status`: the record written in its transaction stands (or is corrected), else it is written now. */
  async settle(status: number): Promise<void> {
    const records = this.dataSource.getRepository(AuditRecordEntity);
    if (!this.written) {
      await records.insert({ ...this.fields, time: new Date(), status });
      return;
    }
    if (this.written.status === status) return;
    const { affected } = await records.update({ seq: this.written.seq }, { status });
    if (affected === 0) await records.insert({ ...this.fields, time: new Date(), status });
    this.written = { ...this.written, status };
  }
}
