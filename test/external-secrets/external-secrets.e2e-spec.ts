/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into untyped manifest JSON */
import type { AddressInfo } from 'node:net';
import { JSONPath } from 'jsonpath-plus';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateEsoObject } from '../fixtures/external-secrets/validate-eso-object';
import { validateRenderedObject } from '../support/validate-rendered-object';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from '../lifecycle/support/lifecycle-harness';

const PASSWORD = 'Eso-Literal-Passw0rd-77';

const documents = (text: string): any[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null);

const yamlText = (t: LifecycleApp, path: string, token?: string) => {
  const call = request(t.server)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
  return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
};

/** Go-template fields as ESO's webhook provider fills them (`{{ .remoteRef.key }}`, `{{ .auth.token }}`). */
function fill(template: string, fields: Record<string, Record<string, string>>): string {
  return template.replace(/\{\{\s*\.(\w+)\.(\w+)\s*\}\}/g, (_, group: string, name: string) => {
    const value = fields[group]?.[name];
    if (value === undefined) throw new Error(`template field .${group}.${name} has no value`);
    return value;
  });
}

/**
 * One `data` entry of an ExternalSecret fetched the way ESO's webhook provider does: the store's URL and headers
 * templates filled with the entry's remoteRef and the token Secret, a real HTTP call, then the store's JSONPath.
 */
async function fetchAsEso(store: any, remoteRef: { key: string; property: string }, token: string) {
  const webhook = store.spec.provider.webhook;
  const fields = { remoteRef, auth: { token } };
  const headers = Object.fromEntries(
    Object.entries<string>(webhook.headers).map(([name, value]) => [name, fill(value, fields)]),
  );
  const answer = await fetch(fill(webhook.url, fields), { method: webhook.method, headers });
  const body: any = answer.headers.get('content-type')?.includes('json') ? await answer.json() : await answer.text();
  if (answer.status !== 200) return { status: answer.status, body };
  const [value] = JSONPath({
    path: webhook.result.jsonPath,
    json: body as object,
    wrap: true,
    resultType: 'value',
  }) as unknown[];
  return { status: answer.status, value };
}

describe('GitOps secrets through the External Secrets Operator (test provider, local runtime)', () => {
  let t: LifecycleApp;
  let base: string;
  let esoToken: string;
  let viewerToken: string;
  let otherAppToken: string;

  const createToken = async (name: string, roles: Array<{ role: string; scope: string }>) => {
    const answer = await request(t.server).post('/v1/tokens').send({ name, roles });
    expect(answer.status, answer.text).toBe(201);
    return answer.body.token as string;
  };

  beforeAll(async () => {
    t = await startLifecycleApp('sqlite');
    await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
    for (const [name, yaml] of [
      ['shop', shopYaml({ password: PASSWORD })],
      ['other', shopYaml().replace('name: shop', 'name: other')],
    ] as const) {
      const put = await putApplication(t.server, 'dev', name, yaml);
      expect(put.status, put.text).toBe(201);
      expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
    }
    esoToken = await createToken('eso-dev-shop', [{ role: 'secret-reader', scope: 'application:dev/shop' }]);
    viewerToken = await createToken('dev-viewer', [{ role: 'viewer', scope: 'environment:dev' }]);
    otherAppToken = await createToken('eso-dev-other', [{ role: 'secret-reader', scope: 'application:dev/other' }]);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('renders by default one SecretStore and one ExternalSecret per connection secret, valid against the ESO CRDs, and no Secret', async () => {
    const answer = await yamlText(t, '/v1/environments/dev/applications/shop/manifests', viewerToken).expect(200);
    const objects = documents(answer.body);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'SecretStore/shop-berth',
      'ExternalSecret/shop-db-conn',
      'ExternalSecret/shop-lb-conn',
      'ExternalSecret/shop-media-conn',
      'ExternalSecret/shop-net-conn',
      'Service/api',
      'Deployment/api',
    ]);
    for (const object of objects) {
      expect(() => validateRenderedObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
    const db = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'shop-db-conn');
    // The target Secret is what the Deployment's secretKeyRef names, with every key of the connection secret.
    expect(db.spec.target.name).toBe('shop-db-conn');
    expect(db.spec.data.map((d: any) => d.secretKey)).toEqual(expect.arrayContaining(['DB_PASSWORD', 'DB_URL']));
    expect(db.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'shop-berth' });
    expect(db.spec.target.template.metadata.annotations['berth.dev/secret-version']).toBe('1');
    expect(answer.body).toMatch(/^# .*application:dev\/shop/m);
    expect(answer.body).toMatch(/kubectl create secret generic shop-berth-token/);
    expect(answer.body).not.toContain(PASSWORD);
  });

  it('the fixture schemas refuse what ESO would refuse (a check that can fail)', () => {
    expect(() =>
      validateEsoObject({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'x' },
        spec: { data: [{ secretKey: 'bad key', remoteRef: { key: 'k' } }], target: { creationPolicy: 'Sometimes' } },
      }),
    ).toThrow(/secretKey|creationPolicy/);
    expect(() =>
      validateEsoObject({
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: 'x' },
        spec: { provider: { webhook: { url: 'http://x' } } },
      }),
    ).toThrow(/result/);
  });

  it('an ESO fetch with the application-scoped token gives every value the Secret would hold', async () => {
    const rendered = documents(
      (
        await yamlText(
          t,
          `/v1/environments/dev/applications/shop/manifests?berthUrl=${encodeURIComponent(base)}`,
          viewerToken,
        ).expect(200)
      ).body,
    );
    const store = rendered.find((o) => o.kind === 'SecretStore');
    expect(store.spec.provider.webhook.url).toBe(
      `${base}/v1/environments/dev/applications/shop/connection-secrets/{{ .remoteRef.key }}/keys/{{ .remoteRef.property }}`,
    );
    const withValues = documents(
      (await yamlText(t, '/v1/environments/dev/applications/shop/manifests?secrets=values').expect(200)).body,
    );
    let fetched = 0;
    for (const external of rendered.filter((o) => o.kind === 'ExternalSecret')) {
      const secret = withValues.find((o) => o.kind === 'Secret' && o.metadata.name === external.spec.target.name);
      for (const entry of external.spec.data) {
        const answer = await fetchAsEso(store, entry.remoteRef, esoToken);
        expect(answer, `${external.metadata.name}/${entry.secretKey}`).toEqual({
          status: 200,
          value: Buffer.from(secret.data[entry.secretKey], 'base64').toString('utf8'),
        });
        fetched += 1;
      }
    }
    expect(fetched).toBeGreaterThan(8);
    const password = await fetchAsEso(store, { key: 'shop-db-conn', property: 'DB_PASSWORD' }, esoToken);
    expect(password.value).toBe(PASSWORD);
  });

  it('refuses the ESO call without the scoped token: 401 none, 403 a viewer, 404 another application’s token', async () => {
    const store = documents(
      (
        await yamlText(
          t,
          `/v1/environments/dev/applications/shop/manifests?berthUrl=${encodeURIComponent(base)}`,
          viewerToken,
        ).expect(200)
      ).body,
    ).find((o) => o.kind === 'SecretStore');
    const ref = { key: 'shop-db-conn', property: 'DB_PASSWORD' };
    const viewer = await fetchAsEso(store, ref, viewerToken);
    expect(viewer.status).toBe(403);
    expect(viewer.body.detail).toContain('secrets:read');
    const other = await fetchAsEso(store, ref, otherAppToken);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('shop-db-conn');
    const bogus = await fetchAsEso(store, ref, 'berth_not-a-token');
    expect(bogus.status).toBe(401);
    const path = '/v1/environments/dev/applications/shop/connection-secrets/shop-db-conn/keys/DB_PASSWORD';
    await request(t.server).get(path).set('Authorization', '').expect(401);
    // The narrow token reads secrets of its application and nothing else (not even the application).
    await request(t.server)
      .get('/v1/environments/dev/applications/shop')
      .set('Authorization', `Bearer ${esoToken}`)
      .expect(404);
    await request(t.server)
      .get('/v1/environments/dev/applications/other/connection-secrets/other-db-conn/keys/DB_PASSWORD')
      .set('Authorization', `Bearer ${esoToken}`)
      .expect(404);
    // Unknown secret or key of its own application: 404 (ESO then applies the ExternalSecret's deletionPolicy).
    const unknownKey = await request(t.server)
      .get('/v1/environments/dev/applications/shop/connection-secrets/shop-db-conn/keys/NOPE')
      .set('Authorization', `Bearer ${esoToken}`)
      .expect(404);
    expect(unknownKey.body.detail).toContain('DB_PASSWORD');
    await request(t.server)
      .get('/v1/environments/dev/applications/shop/connection-secrets/nope/keys/DB_PASSWORD')
      .set('Authorization', `Bearer ${esoToken}`)
      .expect(404);
  });

  it('audits every ESO read as a secret read, never with the value', async () => {
    const audit = await request(t.server).get('/v1/audit?verb=secrets:read&subject=token:eso-dev-shop').expect(200);
    const reads = audit.body.items.filter((r: any) => r.resource.includes('/connection-secrets/'));
    expect(reads.length).toBeGreaterThan(8);
    expect(reads[0]).toMatchObject({ tokenName: 'eso-dev-shop', environment: 'dev', application: 'shop' });
    expect(reads.map((r: any) => r.status)).toEqual(expect.arrayContaining([200, 404]));
    const refused = await request(t.server).get('/v1/audit?verb=secrets:read&subject=token:dev-viewer').expect(200);
    expect(refused.body.items.map((r: any) => r.status)).toContain(403);
    expect(JSON.stringify(audit.body)).not.toContain(PASSWORD);
  });

  it('omits the connection secrets with secrets=omit, and refuses values to a viewer and bad choices by name', async () => {
    const omitted = documents(
      (await yamlText(t, '/v1/environments/dev/applications/shop/manifests?secrets=omit', viewerToken).expect(200))
        .body,
    );
    expect(omitted.map((o) => o.kind)).toEqual(['Service', 'Deployment']);
    const values = await request(t.server)
      .get('/v1/environments/dev/applications/shop/manifests?secrets=values')
      .set('Authorization', `Bearer ${viewerToken}`)
      .expect(403);
    expect(values.body.detail).toContain('secrets:read');
    for (const [query, field] of [
      ['secrets=redacted', 'secrets'],
      ['secrets=external&includeSecrets=true', 'includeSecrets'],
      ['berthUrl=ftp%3A%2F%2Fberth', 'berthUrl'],
      ['berthUrl=https%3A%2F%2Fuser%3Apw%40berth', 'berthUrl'],
    ]) {
      const answer = await request(t.server)
        .get(`/v1/environments/dev/applications/shop/manifests?${query}`)
        .expect(400);
      expect(answer.body.errors, query).toEqual([expect.objectContaining({ path: `/query/${field}` })]);
    }
  });
});
