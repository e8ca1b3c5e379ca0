import type { SealedSecret } from '@berth/core';
import type { SealedValueBatch, SealedValueRepository } from '@berth/persistence';
import { revisionAad } from './revision-secrets';
import type { SecretKeyring } from './secret-keyring';
import { connectionSecretAad, inputsAad } from './secret-store';

/** What holds sealed values: connection secret versions, revisions' secret properties, resources' held inputs. */
export const SEALED_KINDS = ['connection secrets', 'revisions', 'resource inputs', 'workflow runs'] as const;
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
  values: SealedValueRepository,
  keyring: SecretKeyring,
  options: ResealOptions = {},
): Promise<ResealReport> {
  const batchSize = options.batchSize ?? 100;
  const report = Object.fromEntries(SEALED_KINDS.map((kind) => [kind, { resealed: 0, current: 0 }])) as ResealReport;
  const batches = { count: 0 };
  const run = async (kind: SealedKind, work: (batch: SealedValueBatch) => Promise<boolean>) => {
    for (;;) {
      const more = await values.inBatch(async (batch) => {
        const found = await work(batch);
        batches.count += 1;
        await options.beforeCommit?.(kind, batches.count);
        return found;
      });
      await options.afterBatch?.(kind, report);
      if (!more) return;
    }
  };

  // Connection secret versions carry their key id in a column: only the ones under another key are read.
  await run('connection secrets', async (batch) => {
    const rows = await batch.connectionSecretsNotSealedWith(keyring.keyId, batchSize);
    for (const row of rows) {
      const aad = connectionSecretAad(row.resourceId, row.version);
      if (await batch.resealConnectionSecret(row, keyring.seal(keyring.open(row, aad), aad)))
        report['connection secrets'].resealed += 1;
    }
    return rows.length === batchSize;
  });
  report['connection secrets'].current =
    (await values.countConnectionSecretsSealedWith(keyring.keyId)) - report['connection secrets'].resealed;

  // Revisions and resources keep sealed JSON text: walked in id order, each batch after the last id seen.
  let afterRevision = '';
  await run('revisions', async (batch) => {
    const rows = await batch.revisionsAfter(afterRevision, batchSize);
    for (const row of rows) {
      afterRevision = row.id;
      if (keyIdOf(row.sealedSecrets) === keyring.keyId) {
        report.revisions.current += 1;
        continue;
      }
      const aad = revisionAad(row.environmentName, row.applicationName);
      if (await batch.resealRevision(row, keyring.sealToText(keyring.openText(row.sealedSecrets, aad), aad)))
        report.revisions.resealed += 1;
    }
    return rows.length === batchSize;
  });

  let afterResource = '';
  await run('resource inputs', async (batch) => {
    const rows = await batch.resourcesAfter(afterResource, batchSize);
    for (const row of rows) {
      afterResource = row.id;
      if (keyIdOf(row.sealedInputs) === keyring.keyId) {
        report['resource inputs'].current += 1;
        continue;
      }
      const aad = inputsAad(row.environmentName, row.applicationName, row.component);
      if (await batch.resealResource(row, keyring.sealToText(keyring.openText(row.sealedInputs, aad), aad)))
        report['resource inputs'].resealed += 1;
    }
    return rows.length === batchSize;
  });
  // A workflow run seals each delivery's inputs under the home application's revision data, per `<step>/<env>`.
  let afterWorkflow = '';
  await run('workflow runs', async (batch) => {
    const { rows, lastId, more } = await batch.workflowsAfter(afterWorkflow, batchSize);
    afterWorkflow = lastId ?? afterWorkflow;
    for (const row of rows) {
      const entries = Object.entries(row.workflow.sealed);
      if (entries.every(([, text]) => keyIdOf(text) === keyring.keyId)) {
        report['workflow runs'].current += 1;
        continue;
      }
      const sealed = Object.fromEntries(
        entries.map(([key, text]) => {
          const aad = revisionAad(key.slice(key.lastIndexOf('/') + 1), row.applicationName);
          return [key, keyring.sealToText(keyring.openText(text, aad), aad)];
        }),
      );
      if (await batch.resealWorkflow(row, sealed)) report['workflow runs'].resealed += 1;
    }
    return more;
  });
  return report;
}

/**
 * The key ids that sealed stored connection secrets but are not in the keyring (checked at boot: a key dropped from
 * BERTH_SECRET_KEYS before `npm run reseal` ran would make those secrets unreadable), with how many each sealed.
 */
export async function unknownSealingKeys(
  values: SealedValueRepository,
  keyring: SecretKeyring,
): Promise<Array<{ keyId: string; count: number }>> {
  return (await values.connectionSecretsByKey()).filter((row) => !keyring.hasKey(row.keyId));
}
