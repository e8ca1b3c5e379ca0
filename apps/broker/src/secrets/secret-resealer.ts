import type { SealedSecret } from '@berth/core';
import {
  ApplicationEntity,
  ApplicationRevisionEntity,
  ConnectionSecretEntity,
  ManagedResourceEntity,
} from '@berth/persistence';
import { type DataSource, type EntityManager, In, IsNull, MoreThan, Not } from 'typeorm';
import { revisionAad } from './revision-secrets';
import type { SecretKeyring } from './secret-keyring';
import { connectionSecretAad, inputsAad } from './secret-store';

/** What holds sealed values: connection secret versions, revisions' secret properties, resources' held inputs. */
export const SEALED_KINDS = ['connection secrets', 'revisions', 'resource inputs'] as const;
export type SealedKind = (typeof SEALED_KINDS)[number];

export interface ResealCount {
  /** Re-encrypted with the sealing key in this run. */
  resealed: number;
  /** Already sealed with it (an earlier, interrupted run, or written since the key changed). */
  current: number;
}

export type ResealReport = Record<SealedKind, ResealCount>;

export interface ResealOptions {
  /** Values per transaction (default 100). */
  batchSize?: number;
  /** Called after each batch has committed (progress; a test interrupts the run here). */
  afterBatch?: (kind: SealedKind, report: ResealReport) => void | Promise<void>;
  /** Called inside each batch's transaction, after its updates and before its commit (a test interrupts here). */
  beforeCommit?: (kind: SealedKind, batch: number) => void | Promise<void>;
}

const keyIdOf = (text: string): string => (JSON.parse(text) as SealedSecret).keyId;

/**
 * `npm run reseal`: re-encrypts every sealed value with the keyring's sealing key (the first of BERTH_SECRET_KEYS),
 * so that the older keys can then be dropped. Works in batches, each in its own transaction, and only on values not
 * yet sealed with that key: interrupted at any point, the database holds values sealed with either key (all of which
 * the keyring opens) and a rerun carries on. Each value is written only if it is still the one that was read, so a
 * service writing at the same time never loses a write. Values never leave this function: errors name rows by id.
 */
export async function resealAll(
  dataSource: DataSource,
  keyring: SecretKeyring,
  options: ResealOptions = {},
): Promise<ResealReport> {
  const batchSize = options.batchSize ?? 100;
  const report = Object.fromEntries(SEALED_KINDS.map((kind) => [kind, { resealed: 0, current: 0 }])) as ResealReport;
  const batches = { count: 0 };
  const run = async (kind: SealedKind, batch: (manager: EntityManager) => Promise<boolean>) => {
    for (;;) {
      const more = await dataSource.transaction(async (manager) => {
        const found = await batch(manager);
        batches.count += 1;
        await options.beforeCommit?.(kind, batches.count);
        return found;
      });
      await options.afterBatch?.(kind, report);
      if (!more) return;
    }
  };

  // Connection secret versions carry their key id in a column: only the ones under another key are read.
  await run('connection secrets', async (manager) => {
    const rows = await manager.find(ConnectionSecretEntity, {
      where: { keyId: Not(keyring.keyId) },
      order: { id: 'ASC' },
      take: batchSize,
    });
    for (const row of rows) {
      const sealed = keyring.seal(
        keyring.open(row, connectionSecretAad(row.resourceId, row.version)),
        connectionSecretAad(row.resourceId, row.version),
      );
      const result = await manager.update(
        ConnectionSecretEntity,
        { id: row.id, keyId: row.keyId, ciphertext: row.ciphertext },
        { keyId: sealed.keyId, iv: sealed.iv, tag: sealed.tag, ciphertext: sealed.ciphertext },
      );
      if (result.affected) report['connection secrets'].resealed += 1;
    }
    return rows.length === batchSize;
  });
  report['connection secrets'].current =
    (await dataSource.getRepository(ConnectionSecretEntity).count({ where: { keyId: keyring.keyId } })) -
    report['connection secrets'].resealed;

  // Revisions and resources keep sealed JSON text: walked in id order, each batch after the last id seen.
  let afterRevision = '';
  await run('revisions', async (manager) => {
    const rows = await manager.find(ApplicationRevisionEntity, {
      where: { id: MoreThan(afterRevision), sealedSecrets: Not(IsNull()) },
      select: { id: true, applicationId: true, sealedSecrets: true },
      order: { id: 'ASC' },
      take: batchSize,
    });
    const applications = new Map(
      (
        await manager.find(ApplicationEntity, {
          where: { id: In([...new Set(rows.map((r) => r.applicationId))]) },
          select: { id: true, environmentName: true, name: true },
        })
      ).map((a) => [a.id, a]),
    );
    for (const row of rows) {
      afterRevision = row.id;
      const text = row.sealedSecrets!;
      if (keyIdOf(text) === keyring.keyId) {
        report.revisions.current += 1;
        continue;
      }
      const application = applications.get(row.applicationId);
      if (!application) throw new Error(`revision ${row.id} belongs to no application`);
      const aad = revisionAad(application.environmentName, application.name);
      const resealed = keyring.sealToText(keyring.openText(text, aad), aad);
      const result = await manager.update(
        ApplicationRevisionEntity,
        { id: row.id, sealedSecrets: text },
        { sealedSecrets: resealed },
      );
      if (result.affected) report.revisions.resealed += 1;
    }
    return rows.length === batchSize;
  });

  let afterResource = '';
  await run('resource inputs', async (manager) => {
    const rows = await manager.find(ManagedResourceEntity, {
      where: { id: MoreThan(afterResource), sealedInputs: Not(IsNull()) },
      select: { id: true, environmentName: true, applicationName: true, component: true, sealedInputs: true },
      order: { id: 'ASC' },
      take: batchSize,
    });
    for (const row of rows) {
      afterResource = row.id;
      const text = row.sealedInputs!;
      if (keyIdOf(text) === keyring.keyId) {
        report['resource inputs'].current += 1;
        continue;
      }
      const aad = inputsAad(row.environmentName, row.applicationName, row.component);
      const resealed = keyring.sealToText(keyring.openText(text, aad), aad);
      const result = await manager.update(
        ManagedResourceEntity,
        { id: row.id, sealedInputs: text },
        { sealedInputs: resealed },
      );
      if (result.affected) report['resource inputs'].resealed += 1;
    }
    return rows.length === batchSize;
  });
  return report;
}

/**
 * The key ids that sealed stored connection secrets but are not in the keyring (checked at boot: a key dropped from
 * BERTH_SECRET_KEYS before `npm run reseal` ran would make those secrets unreadable), with how many each sealed.
 */
export async function unknownSealingKeys(
  dataSource: DataSource,
  keyring: SecretKeyring,
): Promise<Array<{ keyId: string; count: number }>> {
  const rows: Array<{ keyId: string; count: string | number }> = await dataSource
    .getRepository(ConnectionSecretEntity)
    .createQueryBuilder('secret')
    .select('secret.keyId', 'keyId')
    .addSelect('COUNT(*)', 'count')
    .groupBy('secret.keyId')
    .getRawMany();
  return rows
    .filter((row) => !keyring.hasKey(row.keyId))
    .map((row) => ({ keyId: row.keyId, count: Number(row.count) }));
}
