import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { jsonPointer } from '@berth/core';
import { integerQuery } from '../http/query-params';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { AuditService, type AuditRecordView } from './audit.service';
import { RequirePermission } from './permission.decorator';
import { PERMISSIONS } from './permissions';
import { AUDIT_LIST_SCHEMA } from './access.schemas';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function time(name: string, value: unknown): Date | undefined {
  const given = text(value);
  if (given === undefined) return undefined;
  const parsed = new Date(given);
  if (Number.isNaN(parsed.getTime()))
    throw new BrokerError(BrokerErrorCode.BadRequest, `query parameter ${name} must be an ISO 8601 time`, [
      { path: jsonPointer('query', name), message: 'must be an ISO 8601 time such as 2026-12-01T10:00:00Z' },
    ]);
  return parsed;
}

@ApiTags('access')
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @RequirePermission(PERMISSIONS.auditRead)
  @ApiOperation({ summary: 'The audit trail, newest first: every change and every secret read (never a value)' })
  @ApiQuery({ name: 'subject', required: false, type: String, description: 'token:<name>, user:<sub>, anonymous' })
  @ApiQuery({ name: 'environment', required: false, type: String })
  @ApiQuery({ name: 'application', required: false, type: String })
  @ApiQuery({ name: 'verb', required: false, type: String, description: 'The permission, e.g. secrets:read' })
  @ApiQuery({ name: 'since', required: false, type: String, description: 'ISO 8601 time (inclusive)' })
  @ApiQuery({ name: 'until', required: false, type: String, description: 'ISO 8601 time (inclusive)' })
  @ApiQuery({ name: 'before', required: false, type: Number, description: 'Paging: records older than this seq' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500 (default 100)' })
  @ApiOkResponse({
    schema: AUDIT_LIST_SCHEMA,
    description: '`items` newest first; `next`: the `before` of the next page, or null',
  })
  async list(
    @Query('subject') subject: unknown,
    @Query('environment') environment: unknown,
    @Query('application') application: unknown,
    @Query('verb') verb: unknown,
    @Query('since') since: unknown,
    @Query('until') until: unknown,
    @Query('before') before: unknown,
    @Query('limit') limit: unknown,
  ): Promise<{ items: AuditRecordView[]; next: number | null }> {
    const beforeSeq =
      text(before) === undefined
        ? undefined
        : integerQuery('before', before, { min: 1, max: 999_999_999, fallback: 1 });
    return this.audit.list({
      subject: text(subject),
      environment: text(environment),
      application: text(application),
      verb: text(verb),
      since: time('since', since),
      until: time('until', until),
      before: beforeSeq,
      limit: integerQuery('limit', limit, { min: 1, max: 500, fallback: 100 }),
    });
  }
}
