import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditRecordEntity, createDataSource, prepareSchema } from '@berth/persistence';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from './audit.service';
import { auditChangeIn, RequestActorMiddleware, setRequestAudit } from './request-actor';

/** Runs `work` inside a request's context, as the middleware opens one for every request. */
function inRequest<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    new RequestActorMiddleware().use(undefined, undefined, () => void work().then(resolve, reject)),
  );
}

const request = (app: string) =>
  ({
    method: 'PUT',
    path: `/v1/environments/dev/applications/${app}`,
    params: { env: 'dev', app },
  }) as unknown as Request;
const identity = { subject: 'token:ci', tokenName: 'ci' } as never;

describe('the audit record of a change, written in the change’s transaction (SQLite)', () => {
  let dir: string;
  let dataSource: DataSource;
  let audit: AuditService;
  const recordsOf = (app: string) =>
    dataSource.getRepository(AuditRecordEntity).find({ where: { application: app }, order: { seq: 'ASC' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-audit-entry-'));
    dataSource = createDataSource({ dataDir: dir });
    await dataSource.initialize();
    await prepareSchema(dataSource, 'run');
    audit = new AuditService(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits with the change and stands when the answer has the foreseen status', async () => {
    await inRequest(async () => {
      const entry = audit.open(request('kept'), identity, 'applications:write');
      setRequestAudit(entry);
      await dataSource.transaction((manager) => auditChangeIn(manager, 201));
      await entry.settle(201);
    });
    expect((await recordsOf('kept')).map((r) => [r.subject, r.verb, r.status])).toEqual([
      ['token:ci', 'applications:write', 201],
    ]);
  });

  it('is corrected, not doubled, when the answer ends with another status after the commit', async () => {
    await inRequest(async () => {
      const entry = audit.open(request('later-failed'), identity, 'applications:write');
      setRequestAudit(entry);
      await dataSource.transaction((manager) => auditChangeIn(manager, 201));
      await entry.settle(500);
    });
    expect((await recordsOf('later-failed')).map((r) => r.status)).toEqual([500]);
  });

  it('is written on its own when the transaction that held it rolled back', async () => {
    await inRequest(async () => {
      const entry = audit.open(request('rolled-back'), identity, 'applications:write');
      setRequestAudit(entry);
      await expect(
        dataSource.transaction(async (manager) => {
          await auditChangeIn(manager, 201);
          throw new Error('the change failed after its record');
        }),
      ).rejects.toThrow('the change failed');
      await entry.settle(409);
    });
    expect((await recordsOf('rolled-back')).map((r) => r.status)).toEqual([409]);
  });

  it('is written on its own after a rollback even when the answer has the status the lost record had', async () => {
    // A retried write: the first attempt's transaction rolled back after the record, the answer is still 201.
    await inRequest(async () => {
      const entry = audit.open(request('retried'), identity, 'applications:write');
      setRequestAudit(entry);
      await dataSource
        .transaction(async (manager) => {
          await auditChangeIn(manager, 201);
          throw new Error('lost a race');
        })
        .catch(() => undefined);
      await entry.settle(201);
    });
    expect((await recordsOf('retried')).map((r) => r.status)).toEqual([201]);
  });

  it('does nothing outside an audited request (the worker, a scheduler)', async () => {
    await dataSource.transaction((manager) => auditChangeIn(manager, 201));
    await inRequest(() => dataSource.transaction((manager) => auditChangeIn(manager, 201)));
    expect(await dataSource.getRepository(AuditRecordEntity).count()).toBe(4);
  });
});
