import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateSecretKey, secretKeyId, type SealedSecret } from '@berth/core';
import { createDataSource, ConnectionSecretEntity, SealedValueRepository } from '@berth/persistence';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretKeyring } from '../../apps/broker/src/secrets/secret-keyring';
import { resealAll } from '../../apps/broker/src/secrets/secret-resealer';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from '../lifecycle/support/lifecycle-harness';

const run = promisify(execFile);
const PASSWORD = 'Reseal-Literal-Passw0rd-5';
const keyA = generateSecretKey();
const keyB = generateSecretKey();
const text = (key: Buffer) => key.toString('base64');

/** Every value a user can read back: each workload's revealed env and every connection secret's values. */
async function everyValue(t: LifecycleApp): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const app of ['shop', 'generated']) {
    const env = await request(t.server).get(`/v1/environments/dev/applications/${app}/components/api/env?reveal=true`);
    expect(env.status, env.text).toBe(200);
    for (const v of env.body.variables as Array<{ name: string; value: string }>) values[`${app}/${v.name}`] = v.value;
    const manifests = await request(t.server)
      .get(`/v1/environments/dev/applications/${app}/manifests?secrets=values`)
      .buffer(true)
      .parse((res, done) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done(null, body));
      });
    expect(manifests.status).toBe(200);
    values[`${app}/manifests`] = String(manifests.body).replace(/^#.*$/gm, '');
  }
  return values;
}

/** The key ids sealing each kind of stored value, read straight from the database. */
async function sealingKeyIds(dataDir: string): Promise<string[]> {
  const dataSource = createDataSource({ dataDir });
  await dataSource.initialize();
  try {
    const ids = new Set<string>();
    for (const row of await dataSource.getRepository(ConnectionSecretEntity).find()) ids.add(row.keyId);
    for (const row of await dataSource.query(
      'SELECT sealed_secrets AS sealed FROM application_revisions WHERE sealed_secrets IS NOT NULL UNION ALL SELECT sealed_inputs AS sealed FROM managed_resources WHERE sealed_inputs IS NOT NULL',
    ))
      ids.add((JSON.parse((row as { sealed: string }).sealed) as SealedSecret).keyId);
    return [...ids].sort();
  } finally {
    await dataSource.destroy();
  }
}

describe('BERTH_SECRET_KEYS and npm run reseal (SQLite, kept data dir across restarts)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-reseal-'));
  let before: Record<string, string>;

  beforeAll(async () => {
    const t = await startLifecycleApp('sqlite', { dataDir, secretKeys: [text(keyA)] });
    try {
      await putTestEnvironment(t.server, 'dev', t.inventoryPath);
      // shop: a literal password (sealed in its revision); generated: a generated one (held sealed by its resource).
      for (const [name, yaml] of [
        ['shop', shopYaml({ password: PASSWORD })],
        ['generated', shopYaml().replace('name: shop', 'name: generated')],
      ] as const) {
        const put = await putApplication(t.server, 'dev', name, yaml);
        expect(put.status, put.text).toBe(201);
        expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
      }
      before = await everyValue(t);
      expect(before['shop/DB_PASSWORD']).toBe(PASSWORD);
    } finally {
      await t.close();
    }
    expect(await sealingKeyIds(dataDir)).toEqual([secretKeyId(keyA)]);
  }, 180_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to boot without the key that sealed what is stored, naming BERTH_SECRET_KEYS and never a key', async () => {
    const boot = startLifecycleApp('sqlite', { dataDir, secretKeys: [text(keyB)] });
    await expect(boot).rejects.toThrow(/BERTH_SECRET_KEYS: lacks the key that sealed stored connection secrets/);
    await expect(boot).rejects.toThrow(new RegExp(`key id ${secretKeyId(keyA)}: \\d+ version`));
    await expect(boot).rejects.not.toThrow(text(keyA));
  });

  it('with "B,A": an interrupted reseal leaves every value readable, a rerun finishes, and then "B" alone opens everything', async () => {
    const dataSource = createDataSource({ dataDir });
    await dataSource.initialize();
    const keyring = new SecretKeyring([keyB, keyA]);
    try {
      // Interrupted inside the third batch's transaction (one value a batch): that batch is rolled back.
      await expect(
        resealAll(new SealedValueRepository(dataSource), keyring, {
          batchSize: 1,
          beforeCommit: (_kind, batch) => {
            if (batch === 3) throw new Error('interrupted');
          },
        }),
      ).rejects.toThrow('interrupted');
    } finally {
      await dataSource.destroy();
    }
    expect(await sealingKeyIds(dataDir)).toEqual([secretKeyId(keyA), secretKeyId(keyB)].sort());

    // Meanwhile the service runs with both keys and reads every value as before.
    const both = await startLifecycleApp('sqlite', { dataDir, secretKeys: [text(keyB), text(keyA)] });
    try {
      expect(await everyValue(both)).toEqual(before);
    } finally {
      await both.close();
    }

    // The rerun, as an operator runs it: the reseal entry point in its own process, configured by the environment.
    const { stdout } = await run(
      process.execPath,
      [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'apps/broker/src/reseal.ts', '--batch-size=2'],
      {
        env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_SECRET_KEYS: `${text(keyB)},${text(keyA)}` },
        timeout: 120_000,
      },
    );
    expect(stdout).toMatch(new RegExp(`now sealed with key id ${secretKeyId(keyB)}`));
    expect(stdout).toMatch(/connection secrets [1-9]\d* resealed, [1-9]\d* already current/);
    expect(stdout).toMatch(/revisions [1-9]\d* resealed/);
    expect(stdout).toMatch(/resource inputs [1-9]\d* resealed/);
    expect(stdout).not.toContain(PASSWORD);
    expect(await sealingKeyIds(dataDir)).toEqual([secretKeyId(keyB)]);

    const only = await startLifecycleApp('sqlite', { dataDir, secretKeys: [text(keyB)] });
    try {
      expect(await everyValue(only)).toEqual(before);
    } finally {
      await only.close();
    }
  }, 300_000);
});
