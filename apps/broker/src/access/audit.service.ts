import { Inject, Injectable } from '@nestjs/common';
import { AuditRecordEntity } from '@berth/persistence';
import type { Request } from 'express';
import { DataSource, LessThan, type FindOptionsWhere, MoreThanOrEqual, And, LessThanOrEqual } from 'typeorm';
import { AuditEntry, type AuditFields } from './audit-entry';
import type { Identity } from './identity';
import { requestAudit } from './request-actor';

export interface AuditRecordView {
  seq: number;
  time: string;
  subject: string;
  tokenName: string | null;
  verb: string;
  resource: string;
  environment: string | null;
  application: string | null;
  component: string | null;
  remoteAddress: string | null;
  status: number;
}

export interface AuditFilter {
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

const toView = (row: AuditRecordEntity): AuditRecordView => ({
  seq: row.seq,
  time: row.time.toISOString(),
  subject: row.subject,
  tokenName: row.tokenName,
  verb: row.verb,
  resource: row.resource,
  environment: row.environment,
  application: row.application,
  component: row.component,
  remoteAddress: row.remoteAddress,
  status: row.status,
});

const cut = (text: string | undefined, length: number) => (text === undefined ? null : text.slice(0, length));

/** The component a route acts on: `:component`, or `{component}:rotate`. */
function componentOf(request: Request): string | undefined {
  const params = request.params ?? {};
  if (typeof params.component === 'string') return params.component;
  if (typeof params.target === 'string' && typeof params.app === 'string') return params.target.replace(/:[a-z]+$/, '');
  return undefined;
}

/** The application a route acts on: `:app`, or `{app}:retry` / `{app}:refresh`. */
function applicationOf(request: Request): string | undefined {
  const params = request.params ?? {};
  if (typeof params.app === 'string') return params.app;
  if (typeof params.target === 'string') return params.target.replace(/:[a-z]+$/, '');
  return undefined;
}

function fieldsOf(request: Request, identity: Identity | undefined, verb: string): AuditFields {
  const params = request.params ?? {};
  return {
    subject: identity?.subject ?? 'anonymous',
    tokenName: identity?.tokenName ?? null,
    verb,
    // The path only: a query string may carry anything the caller typed.
    resource: `${request.method} ${request.path}`.slice(0, 500),
    environment: cut(typeof params.env === 'string' ? params.env : undefined, 63),
    application: cut(applicationOf(request), 63),
    component: cut(componentOf(request), 63),
    remoteAddress: cut(request.socket?.remoteAddress, 64),
  };
}

/** The audit trail: who changed what, who read which secret. Never a value: only names, paths and the status. */
@Injectable()
export class AuditService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    // A transaction that held a request's audit record and rolled back: the record must be written again.
    dataSource.subscribers.push({
      afterTransactionRollback: (event) => {
        const audit = requestAudit();
        if (audit instanceof AuditEntry && event.queryRunner) audit.rolledBack(event.queryRunner);
      },
    });
  }

  /** A refusal (or anything else without a transaction to join): its record, written now. */
  async record(request: Request, identity: Identity | undefined, verb: string, status: number): Promise<void> {
    await this.dataSource
      .getRepository(AuditRecordEntity)
      .insert({ ...fieldsOf(request, identity, verb), time: new Date(), status });
  }

  /** The record of an audited request that got past the guard, to be written once (see AuditEntry). */
  open(request: Request, identity: Identity | undefined, verb: string): AuditEntry {
    return new AuditEntry(this.dataSource, fieldsOf(request, identity, verb));
  }

  async list(filter: AuditFilter): Promise<{ items: AuditRecordView[]; next: number | null }> {
    const where: FindOptionsWhere<AuditRecordEntity> = {};
    if (filter.subject) where.subject = filter.subject;
    if (filter.environment) where.environment = filter.environment;
    if (filter.application) where.application = filter.application;
    if (filter.verb) where.verb = filter.verb;
    if (filter.since && filter.until) where.time = And(MoreThanOrEqual(filter.since), LessThanOrEqual(filter.until));
    else if (filter.since) where.time = MoreThanOrEqual(filter.since);
    else if (filter.until) where.time = LessThanOrEqual(filter.until);
    if (filter.before !== undefined) where.seq = LessThan(filter.before);
    const rows = await this.dataSource
      .getRepository(AuditRecordEntity)
      .find({ where, order: { seq: 'DESC' }, take: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    return { items: page.map(toView), next: rows.length > filter.limit ? page[page.length - 1]!.seq : null };
  }
}
