/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into untyped manifest JSON */
import { validateKubeObject } from '@berth/kube/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateRenderedObject } from '../support/validate-rendered-object';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from '../lifecycle/support/lifecycle-harness';

const PASSWORD = 'Literal-Passw0rd-42';

function documents(text: string): any[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null);
}

const manifests = (t: LifecycleApp, path: string) =>
  request(t.server)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });

describe('GET …/applications/{app}/manifests (test provider, local runtime)', () => {
  let t: LifecycleApp;

  beforeAll(async () => {
    t = await startLifecycleApp('sqlite');
    await putTestEnvironment(t.server, 'dev', t.inventoryPath);
    // A worker bound to a component that fails for good: its secret never appears.
    await putTestEnvironment(t.server, 'broken', t.inventoryPath, {
      components: { db: { failPermanently: 'no db here' } },
    });
    const extra = `    - name: jobs
      type: worker
      properties:
        image: shop-jobs:1
      traits:
        - type: service-binding
          properties:
            envMappings:
              BUCKET: { secret: media, key: BUCKET_NAME }
    - name: migrate
      type: task
      properties:
        image: shop-migrate:1
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_URL: { secret: db }
`;
    for (const env of ['dev', 'broken']) {
      const put = await putApplication(t.server, env, 'shop', shopYaml({ password: PASSWORD, extra }));
      expect(put.status, put.text).toBe(201);
      await waitForOperation(t.server, put.body.operation.id);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('answers a YAML stream of schema-valid objects: an ExternalSecret per cloud component, the workloads with secretKeyRef env', async () => {
    const answer = await manifests(t, '/v1/environments/dev/applications/shop/manifests').expect(200);
    expect(answer.headers['content-type']).toMatch(/^application\/yaml/);
    expect(answer.headers['cache-control']).toBe('no-store');
    const objects = documents(answer.body);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'SecretStore/shop-berth',
      'ExternalSecret/shop-db-conn',
      'ExternalSecret/shop-lb-conn',
      'ExternalSecret/shop-media-conn',
      'ExternalSecret/shop-net-conn',
      'Service/api',
      'Deployment/api',
      'Deployment/jobs',
      'Job/migrate',
    ]);
    for (const object of objects) {
      expect(() => validateRenderedObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
      expect(object.metadata.labels).toMatchObject({ 'berth.dev/environment': 'dev', 'berth.dev/application': 'shop' });
      // The local runtime has no namespace: the GitOps tool decides.
      expect(object.metadata.namespace).toBeUndefined();
    }
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api');
    expect(api.spec.template.spec.containers[0].env).toContainEqual({
      name: 'DB_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_PASSWORD' } },
    });
    expect(api.spec.template.metadata.annotations['berth.dev/bindings-checksum']).toMatch(/^[0-9a-f]+$/);
    // No Secret with placeholder values that would overwrite the real one once applied: ESO makes the Secret.
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const db = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'shop-db-conn');
    expect(db.spec.target.name).toBe('shop-db-conn');
    expect(db.metadata.annotations).toMatchObject({ 'berth.dev/secret-version': '1' });
  });

  it('shows no secret value unless includeSecrets=true, and then the decrypted values', async () => {
    const clear = documents(
      (await manifests(t, '/v1/environments/dev/applications/shop/manifests?includeSecrets=true').expect(200)).body,
    );
    const values: string[] = [];
    for (const secret of clear.filter((o) => o.kind === 'Secret')) {
      expect(secret.stringData).toBeUndefined();
      for (const value of Object.values<string>(secret.data))
        values.push(Buffer.from(value, 'base64').toString('utf8'));
      expect(() => validateKubeObject(secret)).not.toThrow();
    }
    const db = clear.find((o) => o.kind === 'Secret' && o.metadata.name === 'shop-db-conn');
    expect(Buffer.from(db.data.DB_PASSWORD, 'base64').toString('utf8')).toBe(PASSWORD);
    const media = clear.find((o) => o.kind === 'Secret' && o.metadata.name === 'shop-media-conn');
    const accessKeySecret = Buffer.from(media.data.OSS_ACCESS_KEY_SECRET, 'base64').toString('utf8');
    expect(accessKeySecret.length).toBeGreaterThan(8);

    const redacted = (await manifests(t, '/v1/environments/dev/applications/shop/manifests').expect(200)).body;
    for (const value of [PASSWORD, accessKeySecret]) {
      expect(redacted).not.toContain(value);
      expect(redacted).not.toContain(Buffer.from(value).toString('base64'));
    }
    // Not even the non-sensitive values leave without includeSecrets (the ExternalSecrets list keys only).
    const host = Buffer.from(db.data.DB_HOST, 'base64').toString('utf8');
    expect(values).toContain(host);
    expect(redacted).not.toContain(host);
  });

  it('leaves out a workload whose secrets are not ready, and says so in a comment and a header', async () => {
    const answer = await manifests(t, '/v1/environments/broken/applications/shop/manifests').expect(200);
    expect(answer.headers['x-berth-pending-workloads']).toBe('api,migrate');
    expect(answer.body).toMatch(/^# workload api left out: its secrets are not ready \(.*DB_URL/m);
    expect(answer.body).toMatch(/^# workload migrate left out/m);
    const objects = documents(answer.body);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'SecretStore/shop-berth',
      'ExternalSecret/shop-lb-conn',
      'ExternalSecret/shop-media-conn',
      'ExternalSecret/shop-net-conn',
      'Deployment/jobs',
    ]);
  });

  it('answers 404 for an unknown environment or application, 400 for a bad includeSecrets', async () => {
    await request(t.server).get('/v1/environments/nope/applications/shop/manifests').expect(404);
    await request(t.server).get('/v1/environments/dev/applications/nope/manifests').expect(404);
    await request(t.server).get('/v1/environments/dev/applications/shop/manifests?includeSecrets=maybe').expect(400);
  });
});
