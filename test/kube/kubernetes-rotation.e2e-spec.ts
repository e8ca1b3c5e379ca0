/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk into stored Kubernetes objects (untyped JSON) */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KubernetesWorkloadRuntime } from '@berth/kube';
import { Client } from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { KubeApiTestServer } from '../kube-api-server/kube-api.server';
import { events, FAST_LIFECYCLE, putApplication, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { TEST_POSTGRES_URL } from '../support/postgres-schema';
import { startTestApp, type TestApp } from '../support/test-app';

const NS = 'team-a';
const APP = '/v1/environments/k8s/applications/shop';
// With a PostgreSQL admin server the rotation makes a second login role and the old one loses LOGIN / is dropped,
// which is what the test can observe (this machine's server trusts loopback: passwords themselves are not checked).
// Without it the database is an embedded PGlite, which checks no password at all: only the secret change is seen.
const PG = TEST_POSTGRES_URL;
if (!PG)
  console.warn(
    'kubernetes rotation e2e: TEST_POSTGRES_URL unset, rds on embedded PGlite: old-login revocation not observable',
  );

const SHOP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: db
      type: rds
      properties:
        engine: postgresql
    - name: files
      type: oss
    - name: web
      type: webservice
      properties:
        image: shop-web:1
        port: 8080
        replicas: 2
      traits:
        - type: service-binding
          properties:
            envMappings:
              DATABASE_URL: { secret: db, key: DB_URL }
              DB_USER: { secret: db }
              DB_PASSWORD: { secret: db }
              S3_KEY_ID: { secret: files, key: OSS_ACCESS_KEY_ID }
              S3_SECRET: { secret: files, key: OSS_ACCESS_KEY_SECRET }
              S3_BUCKET: { secret: files, key: BUCKET_NAME }
`;

const decode = (secret: any): Record<string, string> =>
  Object.fromEntries(
    Object.entries<string>(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );

function s3(values: Record<string, string>, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: values.BUCKET_ENDPOINT,
    region: values.OSS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

describe('kubernetes runtime + local provider: apply, rotate, no-op apply, delete (test API server)', () => {
  let kube: KubeApiTestServer;
  let t: TestApp;
  let dir: string;
  let kubeconfig: string;

  const secret = () => kube.getObject('v1', 'Secret', NS, 'shop-db-conn') as any;
  const bucketSecret = () => kube.getObject('v1', 'Secret', NS, 'shop-files-conn') as any;
  const deployment = () => kube.getObject('apps/v1', 'Deployment', NS, 'web') as any;
  const checksum = () => deployment().spec.template.metadata.annotations['berth.dev/bindings-checksum'] as string;

  async function rotate(component: string) {
    const answer = await request(t.server).post(`${APP}/components/${component}:rotate`);
    expect(answer.status, answer.text).toBe(202);
    expect(answer.body.operation).toMatchObject({ kind: 'rotate', state: 'Queued' });
    const op = await waitForOperation(t.server, answer.body.operation.id, 60_000);
    expect(op.state, JSON.stringify(op)).toBe('Succeeded');
    return op;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-kube-e2e-'));
    kube = await new KubeApiTestServer({ namespaces: [NS], controller: 'rollout' }).start();
    kubeconfig = await kube.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: NS });
    t = await startTestApp('sqlite', {
      extraRuntimes: [new KubernetesWorkloadRuntime({ pollIntervalMs: 50, kubeconfigDirs: [dir] })],
      config: {
        role: 'all',
        lifecycle: FAST_LIFECYCLE,
        leaseSeconds: 30,
        refreshIntervalMs: 0,
      },
      ...(PG ? { env: { BERTH_LOCAL_POSTGRES_URL: PG } } : {}),
    });
    const env = await request(t.server)
      .put('/v1/environments/k8s')
      .send({
        provider: { kind: 'local', settings: {} },
        runtime: { kind: 'kubernetes', settings: { kubeconfig, namespace: NS, rolloutTimeoutSeconds: 20 } },
      });
    expect(env.status, env.text).toBeLessThan(300);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await kube?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses an environment whose kubernetes runtime settings are bad, naming the field (422)', async () => {
    const put = (settings: unknown) =>
      request(t.server)
        .put('/v1/environments/bad')
        .send({ provider: { kind: 'local', settings: {} }, runtime: { kind: 'kubernetes', settings } });
    const noNamespace = await put({ kubeconfig });
    expect(noNamespace.status).toBe(422);
    expect(noNamespace.body.errors).toContainEqual({
      path: '/runtime/settings/namespace',
      message: expect.stringMatching(/namespace is required/),
    });
    const missingFile = await put({ kubeconfig: join(dir, 'no-such-kubeconfig'), namespace: NS });
    expect(missingFile.status).toBe(422);
    expect(missingFile.body.errors).toContainEqual({
      path: '/runtime/settings/kubeconfig',
      message: expect.stringMatching(/cannot load/),
    });
    const badContext = await put({ kubeconfig, context: 'elsewhere', namespace: NS });
    expect(badContext.body.errors).toContainEqual({
      path: '/runtime/settings/context',
      message: expect.stringMatching(/no context "elsewhere"/),
    });
    const unknown = await put({ kubeconfig, namespace: NS, replicas: 3 });
    expect(unknown.body.errors).toContainEqual({
      path: '/runtime/settings/replicas',
      message: expect.stringMatching(/unknown setting/),
    });
    await request(t.server).get('/v1/environments/bad').expect(404);
  });

  it('keeps the old key valid while a bound workload has not rolled out, and revokes it on :retry once it has', async () => {
    const env = await request(t.server)
      .put('/v1/environments/slow')
      .send({
        provider: { kind: 'local', settings: {} },
        runtime: { kind: 'kubernetes', settings: { kubeconfig, namespace: NS, rolloutTimeoutSeconds: 1 } },
      });
    expect(env.status, env.text).toBeLessThan(300);
    const yaml = SHOP.replace('name: shop\n', 'name: media\n')
      .replace(/ {4}- name: db\n {6}type: rds\n {6}properties:\n {8}engine: postgresql\n/, '')
      .replace(/ {14}(DATABASE_URL|DB_USER|DB_PASSWORD):.*\n/g, '')
      .replace('name: web\n', 'name: gallery\n');
    const put = await putApplication(t.server, 'slow', 'media', yaml);
    expect(put.status, put.text).toBe(201);
    expect((await waitForOperation(t.server, put.body.operation.id, 60_000)).state).toBe('Succeeded');
    const objectSecret = () => decode(kube.getObject('v1', 'Secret', NS, 'media-files-conn'));
    const before = objectSecret();

    // The cluster stops rolling Deployments out: the rotation re-delivers, but must not revoke.
    kube.controllerMode = 'stall';
    onTestFinished(() => {
      kube.controllerMode = 'rollout';
    });
    const started = await request(t.server)
      .post('/v1/environments/slow/applications/media/components/files:rotate')
      .expect(202);
    const stalled = await waitForOperation(t.server, started.body.operation.id, 60_000);
    expect(stalled.state).toBe('Failed');
    // The re-delivery does not roll out, so its step fails and the revoke after it never runs.
    const states = Object.fromEntries(stalled.steps.map((s) => [s.id, s.state]));
    expect(states['rotate:files']).toBe('Succeeded');
    expect(states['deliver:gallery']).toBe('Failed');
    expect(states['revoke:files']).not.toMatch(/Succeeded|Running/);
    expect(stalled.error).toMatch(/gallery did not become ready/);
    const after = objectSecret();
    expect(after.OSS_ACCESS_KEY_ID).not.toBe(before.OSS_ACCESS_KEY_ID);
    // Both keys work meanwhile: pods still running with the old one are not cut off.
    for (const values of [before, after]) {
      await s3(values, values.OSS_ACCESS_KEY_ID!, values.OSS_ACCESS_KEY_SECRET!).send(
        new ListObjectsV2Command({ Bucket: values.BUCKET_NAME }),
      );
    }

    // The rollout finishes. The test server's controller only acts when a spec changes and its status cannot be
    // written over HTTP, so the test does what `kubectl rollout restart` does (a pod-template annotation), and the
    // controller, now rolling again, completes the rollout.
    kube.controllerMode = 'rollout';
    const patched = await fetch(
      `${kube.url}/apis/apps/v1/namespaces/${NS}/deployments/gallery?fieldManager=kubectl-rollout`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } },
          },
        }),
      },
    );
    expect(patched.status).toBe(200);
    await expect
      .poll(() => (kube.getObject('apps/v1', 'Deployment', NS, 'gallery') as any).status?.availableReplicas)
      .toBe(2);
    const retried = await request(t.server).post('/v1/environments/slow/applications/media:retry').expect(202);
    const done = await waitForOperation(t.server, retried.body.operation.id, 60_000);
    expect(done.state, JSON.stringify(done)).toBe('Succeeded');
    expect(done.steps.find((s) => s.id === 'rotate:files')!.attempts).toBe(1);
    await expect(
      s3(before, before.OSS_ACCESS_KEY_ID!, before.OSS_ACCESS_KEY_SECRET!).send(
        new ListObjectsV2Command({ Bucket: before.BUCKET_NAME }),
      ),
    ).rejects.toThrow();
    await s3(after, after.OSS_ACCESS_KEY_ID!, after.OSS_ACCESS_KEY_SECRET!).send(
      new ListObjectsV2Command({ Bucket: after.BUCKET_NAME }),
    );
    await request(t.server).delete('/v1/environments/slow/applications/media');
  }, 120_000);

  it('applies, rotates with a rolling restart before revoking, keeps a no-op apply from rolling, and deletes everything', async () => {
    // Apply: the Secrets and the Deployment exist in the namespace, bound through secretKeyRef, with the checksum.
    const put = await putApplication(t.server, 'k8s', 'shop', SHOP);
    expect(put.status, put.text).toBe(201);
    const applied = await waitForOperation(t.server, put.body.operation.id, 90_000);
    expect(applied.state, JSON.stringify(applied)).toBe('Succeeded');
    const db1 = decode(secret());
    const files1 = decode(bucketSecret());
    expect(db1.DB_PASSWORD?.length).toBeGreaterThan(8);
    expect(secret().metadata.annotations['berth.dev/secret-version']).toBe('1');
    const container = deployment().spec.template.spec.containers[0];
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_PASSWORD' } } },
        { name: 'S3_SECRET', valueFrom: { secretKeyRef: { name: 'shop-files-conn', key: 'OSS_ACCESS_KEY_SECRET' } } },
      ]),
    );
    const checksum1 = checksum();
    const generation1 = deployment().metadata.generation as number;
    expect(deployment().status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2 });
    // The issued bucket key works against the embedded S3 (which checks signatures).
    await s3(files1, files1.OSS_ACCESS_KEY_ID!, files1.OSS_ACCESS_KEY_SECRET!).send(
      new PutObjectCommand({ Bucket: files1.BUCKET_NAME, Key: 'hello.txt', Body: 'hi' }),
    );

    // Rotate the bucket key: new Secret data, new checksum, the Deployment's generation goes up, the old key is refused.
    kube.requests.length = 0;
    const filesOp = await rotate('files');
    expect(filesOp.steps.map((s) => s.id)).toEqual(['rotate:files', 'deliver:web', 'revoke:files']);
    const files2 = decode(bucketSecret());
    expect(files2.OSS_ACCESS_KEY_ID).not.toBe(files1.OSS_ACCESS_KEY_ID);
    expect(files2.OSS_ACCESS_KEY_SECRET).not.toBe(files1.OSS_ACCESS_KEY_SECRET);
    expect(bucketSecret().metadata.annotations['berth.dev/secret-version']).toBe('2');
    const checksum2 = checksum();
    expect(checksum2).not.toBe(checksum1);
    expect(deployment().metadata.generation).toBeGreaterThan(generation1);
    // The rollout was watched (Deployment read after the apply) before anything was revoked.
    const applyIndex = kube.requests.findIndex((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/web'));
    expect(applyIndex).toBeGreaterThanOrEqual(0);
    expect(kube.requests.slice(applyIndex + 1).some((r) => r.method === 'GET' && r.path.includes('/deployments'))).toBe(
      true,
    );
    const oldClient = s3(files1, files1.OSS_ACCESS_KEY_ID!, files1.OSS_ACCESS_KEY_SECRET!);
    await expect(oldClient.send(new ListObjectsV2Command({ Bucket: files1.BUCKET_NAME }))).rejects.toThrow();
    const listed = await s3(files2, files2.OSS_ACCESS_KEY_ID!, files2.OSS_ACCESS_KEY_SECRET!).send(
      new ListObjectsV2Command({ Bucket: files2.BUCKET_NAME }),
    );
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['hello.txt']);
    const story = (await events(t.server, filesOp.id)).map((e) => e.message);
    const at = (pattern: RegExp) => story.findIndex((m) => pattern.test(m));
    expect(at(/^Rotate credentials of oss files: succeeded/)).toBeGreaterThanOrEqual(0);
    expect(at(/^Deliver webservice web: succeeded/)).toBeGreaterThan(at(/^Rotate credentials of oss files: succeeded/));
    expect(at(/every bound workload is rolled out/)).toBeGreaterThan(at(/^Deliver webservice web: succeeded/));
    expect(at(/^Revoke the previous credentials of oss files: succeeded/)).toBeGreaterThan(
      at(/every bound workload is rolled out/),
    );
    expect(JSON.stringify(story)).not.toContain(files2.OSS_ACCESS_KEY_SECRET);

    // Rotate the database password (twice: the first retires the owner's LOGIN, the second drops the first extra login).
    await rotate('db');
    const db2 = decode(secret());
    expect(db2.DB_PASSWORD).not.toBe(db1.DB_PASSWORD);
    expect(secret().metadata.annotations['berth.dev/secret-version']).toBe('2');
    expect(checksum()).not.toBe(checksum2);
    const app = (await request(t.server).get(APP).expect(200)).body;
    expect(app.status.components.find((c: any) => c.name === 'db')).toMatchObject({
      phase: 'Ready',
      secret: { version: 2 },
    });
    if (PG) {
      const admin = new Client({ connectionString: PG });
      await admin.connect();
      try {
        const role = async (name: string) =>
          (await admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [name]))
            .rows[0];
        expect(db2.DB_USER).not.toBe(db1.DB_USER);
        expect(await role(db1.DB_USER!)).toEqual({ rolcanlogin: false });
        expect(await role(db2.DB_USER!)).toEqual({ rolcanlogin: true });
        await rotate('db');
        const db3 = decode(secret());
        expect(await role(db2.DB_USER!)).toBeUndefined();
        expect(await role(db3.DB_USER!)).toEqual({ rolcanlogin: true });
      } finally {
        await admin.end();
      }
    }

    // An apply that changes nothing leaves the Deployment alone (same generation, same checksum).
    const generation = deployment().metadata.generation;
    const sameChecksum = checksum();
    // (a new generation whose only change is a bucket setting that changes no connection value: the bucket is
    // re-applied, its secret keeps its version, web is delivered again with the same checksum)
    const again = await putApplication(
      t.server,
      'k8s',
      'shop',
      SHOP.replace('      type: oss\n', '      type: oss\n      properties:\n        versioning: true\n'),
    );
    expect(again.status, again.text).toBe(200);
    const reapplied = await waitForOperation(t.server, again.body.operation.id, 60_000);
    expect(reapplied.state).toBe('Succeeded');
    expect(reapplied.steps.map((s) => s.id)).toEqual(['provision:files', 'deliver:web']);
    expect(bucketSecret().metadata.annotations['berth.dev/secret-version']).toBe('2');
    const forced = await request(t.server).post(`${APP}:refresh`).expect(202);
    expect((await waitForOperation(t.server, forced.body.operation.id, 60_000)).state).toBe('Succeeded');
    expect(deployment().metadata.generation).toBe(generation);
    expect(checksum()).toBe(sameChecksum);

    // Delete: nothing of the application is left in the namespace; workloads went before secrets.
    kube.requests.length = 0;
    const deletion = await request(t.server).delete(APP);
    expect(deletion.status, deletion.text).toBeLessThan(300);
    expect((await waitForOperation(t.server, deletion.body.operation.id, 60_000)).state).toBe('Succeeded');
    expect(kube.listObjects(NS).filter((o: any) => o.metadata?.labels?.['berth.dev/application'] === 'shop')).toEqual(
      [],
    );
    const deletes = kube.requests
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path.split('/').slice(-2).join('/'));
    const lastWorkload = Math.max(deletes.indexOf('deployments/web'), deletes.indexOf('services/web'));
    const firstSecret = Math.min(...['secrets/shop-db-conn', 'secrets/shop-files-conn'].map((p) => deletes.indexOf(p)));
    expect(lastWorkload).toBeGreaterThanOrEqual(0);
    expect(firstSecret).toBeGreaterThan(lastWorkload);
  }, 240_000);
});
