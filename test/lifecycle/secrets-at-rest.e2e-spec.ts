import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from './support/lifecycle-harness';

const PASSWORD = 'Literal-Passw0rd-at-rest-7';
const APP = '/v1/environments/dev/applications/shop';

describe('secrets at rest (SQLite)', () => {
  let t: LifecycleApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('keeps no secret value in the raw database file after provisioning: not the literal password, not DB_URL, not the access key secret', async () => {
    t = await startLifecycleApp('sqlite');
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
    const yaml = shopYaml({
      password: PASSWORD,
      extra: '',
    }).replace(
      'BUCKET: { secret: media, key: BUCKET_NAME }',
      'BUCKET: { secret: media, key: BUCKET_NAME }\n              OSS_SECRET: { secret: media, key: OSS_ACCESS_KEY_SECRET }',
    );
    const put = await putApplication(t.server, 'dev', 'shop', yaml);
    expect(put.status, put.text).toBe(201);
    expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
    // A second application without a password: the generated one must not be stored in clear either.
    const generated = await putApplication(t.server, 'dev', 'other', shopYaml().replace('name: shop', 'name: other'));
    expect((await waitForOperation(t.server, generated.body.operation.id)).state).toBe('Succeeded');

    const values = (app: string) =>
      request(t!.server).get(`/v1/environments/dev/applications/${app}/components/api/env?reveal=true`).expect(200);
    const byName = (body: { variables: Array<{ name: string; value: string }> }) =>
      Object.fromEntries(body.variables.map((v) => [v.name, v.value]));
    const shop = byName((await values('shop')).body);
    const other = byName((await values('other')).body);
    const secrets = [PASSWORD, shop.DB_URL, shop.OSS_SECRET, other.DB_PASSWORD, other.DB_URL];
    expect(shop.DB_PASSWORD).toBe(PASSWORD);
    expect(shop.DB_URL).toContain(encodeURIComponent(PASSWORD));
    expect(other.DB_PASSWORD).toMatch(/.{16,}/);
    for (const secret of secrets) expect(secret).toBeTruthy();

    const dataDir = t.dataDir;
    const keyFile = join(dataDir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const files = ['berth.sqlite', 'berth.sqlite-wal'].map((f) => join(dataDir, f)).filter(existsSync);
    const raw = Buffer.concat(files.map((f) => readFileSync(f)));
    // Sanity: the file does hold the application (so absence of the secrets means something).
    expect(raw.includes(Buffer.from('shop-db-conn'))).toBe(true);
    expect(raw.includes(Buffer.from('<redacted>'))).toBe(true);
    for (const secret of secrets) {
      expect(raw.includes(Buffer.from(secret)), `found a secret in ${files.join(', ')}`).toBe(false);
      expect(raw.includes(Buffer.from(encodeURIComponent(secret))), 'found a URL-encoded secret').toBe(false);
    }
    // The API never shows the literal either (spec redacted, revisions redacted).
    for (const path of [APP, `${APP}/revisions`])
      expect((await request(t.server).get(path).expect(200)).text).not.toContain(PASSWORD);
  });
});
