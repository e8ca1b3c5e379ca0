import request from 'supertest';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLifecycleApp, shopYaml, type LifecycleApp } from '../lifecycle/support/lifecycle-harness';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS, startTestApp } from '../support/test-app';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function createToken(
  server: Server,
  admin: string,
  name: string,
  roles: Array<{ role: string; scope: string }>,
  expiresAt?: string,
) {
  const answer = await request(server)
    .post('/v1/tokens')
    .set(bearer(admin))
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ name, roles, ...(expiresAt ? { expiresAt } : {}) }));
  expect(answer.status, answer.text).toBe(201);
  expect(answer.body.token).toMatch(/^berth_[A-Za-z0-9_-]{43}$/);
  return answer.body.token as string;
}

async function putEnvironment(server: Server, admin: string, name: string, inventoryPath: string) {
  await request(server)
    .put(`/v1/environments/${name}`)
    .set(bearer(admin))
    .send({ provider: { kind: 'test', settings: { inventoryPath } }, runtime: { kind: 'local', settings: {} } })
    .expect(201);
}

async function until(
  server: Server,
  token: string,
  path: string,
  done: (body: { state?: string; status?: { phase?: string } }) => boolean,
) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await request(server).get(path).set(bearer(token));
    if (answer.status === 200 && done(answer.body)) return answer;
    if (Date.now() > deadline) throw new Error(`${path}: still ${answer.status} ${answer.text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The delete has finished when the application answers 404 (its operations go with it). */
async function untilDeleted(server: Server, token: string, path: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await request(server).get(path).set(bearer(token));
    if (answer.status === 404) return;
    if (Date.now() > deadline) throw new Error(`${path}: still ${answer.status} ${answer.text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(BACKENDS)('access control ($name)', ({ name: backend, skip }) => {
  if (skip) {
    it.skip(`PostgreSQL variant skipped — TEST_POSTGRES_URL is not set`, () => {});
    return;
  }
  let t: LifecycleApp;
  let admin: string;
  let aDev: string;
  let aViewer: string;
  let aSecrets: string;
  let bDev: string;

  beforeAll(async () => {
    t = await startLifecycleApp(backend, {}, { authenticateAsAdmin: false });
    admin = t.adminToken;
    await putEnvironment(t.server, admin, 'team-a', t.inventoryPath);
    await putEnvironment(t.server, admin, 'team-b', t.inventoryPath);
    aDev = await createToken(t.server, admin, 'a-dev', [{ role: 'developer', scope: 'environment:team-a' }]);
    aViewer = await createToken(t.server, admin, 'a-viewer', [{ role: 'viewer', scope: 'environment:team-a' }]);
    aSecrets = await createToken(t.server, admin, 'a-secrets', [
      { role: 'secret-reader', scope: 'environment:team-a' },
    ]);
    bDev = await createToken(t.server, admin, 'b-dev', [{ role: 'developer', scope: 'environment:team-b' }]);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('401 without credentials or with unknown ones; health and readiness stay public', async () => {
    const none = expectProblem(await request(t.server).get('/v1/environments'), 401);
    expect(none.detail).toMatch(/Authorization: Bearer/);
    const unknown = await request(t.server)
      .get('/v1/environments')
      .set(bearer(`berth_${'x'.repeat(43)}`));
    expect(expectProblem(unknown, 401).detail).toBe('the token is not known');
    expect(unknown.headers['www-authenticate']).toBe('Bearer realm="berth"');
    expectProblem(await request(t.server).get('/v1/environments').set('Authorization', 'Basic YWRtaW46YWRtaW4='), 401);
    await request(t.server).get('/healthz').expect(200);
    await request(t.server).get('/readyz').expect(200);
  });

  it("team A's tokens can do nothing in team B's environment: every route answers 404, names never leak", async () => {
    const bApp = shopYaml().replace('name: shop', 'name: b-secret-shop');
    await request(t.server)
      .put('/v1/environments/team-b/applications/b-secret-shop')
      .set(bearer(bDev))
      .set('Content-Type', 'application/yaml')
      .send(bApp)
      .expect(201);
    const base = '/v1/environments/team-b';
    const attempts: Array<[string, string]> = [
      ['get', base],
      ['put', base],
      ['get', `${base}/applications`],
      ['get', `${base}/applications/b-secret-shop`],
      ['put', `${base}/applications/b-secret-shop`],
      ['delete', `${base}/applications/b-secret-shop`],
      ['get', `${base}/applications/b-secret-shop/revisions`],
      ['get', `${base}/applications/b-secret-shop/operations`],
      ['get', `${base}/applications/b-secret-shop/plan`],
      ['get', `${base}/applications/b-secret-shop/manifests`],
      ['get', `${base}/applications/b-secret-shop/manifests?secrets=values`],
      ['get', `${base}/applications/b-secret-shop/connection-secrets/b-secret-shop-db-conn/keys/DB_PASSWORD`],
      ['get', `${base}/applications/b-secret-shop/components/api/env?reveal=true`],
      ['post', `${base}/applications/b-secret-shop:retry`],
      ['post', `${base}/applications/b-secret-shop:refresh`],
      ['post', `${base}/applications/b-secret-shop/components/db:rotate`],
    ];
    const operation = (
      await request(t.server).get(`${base}/applications/b-secret-shop/operations`).set(bearer(bDev)).expect(200)
    ).body.items[0].id as string;
    attempts.push(['get', `/v1/operations/${operation}`], ['get', `/v1/operations/${operation}/events`]);
    for (const token of [aDev, aViewer, aSecrets]) {
      for (const [method, path] of attempts) {
        let call = request(t.server)[method as 'get'](path).set(bearer(token));
        if (method === 'put') call = call.set('Content-Type', 'application/yaml').send(bApp);
        const answer = await call;
        expectProblem(answer, 404);
        expect(answer.text, `${method} ${path}`).not.toContain('b-secret-shop');
      }
      const listed = (await request(t.server).get('/v1/environments').set(bearer(token)).expect(200)).body.items;
      expect(listed.map((e: { name: string }) => e.name)).toEqual(['team-a']);
    }
    // B's own token still works there, and B's application is untouched.
    const revisions = await request(t.server)
      .get(`${base}/applications/b-secret-shop/revisions`)
      .set(bearer(bDev))
      .expect(200);
    expect(revisions.body.items).toHaveLength(1);
  });

  it('403 naming the permission for a known identity without it; admin routes need admin', async () => {
    const put = await request(t.server)
      .put('/v1/environments/team-a/applications/shop')
      .set(bearer(aViewer))
      .set('Content-Type', 'application/yaml')
      .send(shopYaml());
    expect(expectProblem(put, 403).detail).toBe(
      'token:a-viewer lacks permission applications:write in environment team-a',
    );
    const reveal = await request(t.server)
      .get('/v1/environments/team-a/applications/shop/components/api/env?reveal=true')
      .set(bearer(aDev));
    expect(expectProblem(reveal, 403).detail).toContain('secrets:read');
    for (const token of [aDev, aViewer, aSecrets]) {
      expectProblem(await request(t.server).get('/v1/tokens').set(bearer(token)), 403);
      expectProblem(await request(t.server).get('/v1/audit').set(bearer(token)), 403);
      expectProblem(
        await request(t.server)
          .put('/v1/environments/team-a')
          .set(bearer(token))
          .send({ provider: { kind: 'local' } }),
        403,
      );
    }
    // Any identity reads its own roles and the definitions.
    const me = await request(t.server).get('/v1/whoami').set(bearer(aViewer)).expect(200);
    expect(me.body).toEqual({
      subject: 'token:a-viewer',
      tokenName: 'a-viewer',
      groups: [],
      roles: [{ role: 'viewer', scope: 'environment:team-a' }],
    });
    await request(t.server).get('/v1/definitions').set(bearer(aViewer)).expect(200);
  });

  it('a revoked token is refused at once; an expired one too; tokens are listed without secrets', async () => {
    const short = await createToken(t.server, admin, 'short-lived', [{ role: 'viewer', scope: 'service' }]);
    await request(t.server).get('/v1/environments').set(bearer(short)).expect(200);
    await request(t.server).delete('/v1/tokens/short-lived').set(bearer(admin)).expect(200);
    expect(expectProblem(await request(t.server).get('/v1/environments').set(bearer(short)), 401).detail).toBe(
      'token short-lived was revoked',
    );
    const expiring = await createToken(
      t.server,
      admin,
      'expiring',
      [{ role: 'viewer', scope: 'service' }],
      new Date(Date.now() + 1500).toISOString(),
    );
    await request(t.server).get('/v1/environments').set(bearer(expiring)).expect(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(expectProblem(await request(t.server).get('/v1/environments').set(bearer(expiring)), 401).detail).toBe(
      'token expiring expired',
    );
    const list = await request(t.server).get('/v1/tokens').set(bearer(admin)).expect(200);
    for (const secret of [short, expiring, aDev, admin]) expect(list.text).not.toContain(secret);
    expect(list.body.items.find((i: { name: string }) => i.name === 'short-lived')).toMatchObject({
      revokedAt: expect.any(String),
    });
    const invalid = await request(t.server)
      .post('/v1/tokens')
      .set(bearer(admin))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'Bad Name', roles: [{ role: 'owner', scope: 'env:x' }] }));
    expect(expectProblem(invalid, 422).errors.map((e) => e.path)).toEqual(['/name', '/roles/0/role', '/roles/0/scope']);
  });

  it('a role binding given or taken takes effect on the very next request of a token just used', async () => {
    const growing = await createToken(t.server, admin, 'growing', [{ role: 'viewer', scope: 'environment:team-a' }]);
    const app = shopYaml().replace('name: shop', 'name: growing-shop');
    const put = () =>
      request(t.server)
        .put('/v1/environments/team-a/applications/growing-shop')
        .set(bearer(growing))
        .set('Content-Type', 'application/yaml')
        .send(app);
    await request(t.server).get('/v1/environments/team-a/applications').set(bearer(growing)).expect(200);
    expect(expectProblem(await put(), 403).detail).toMatch(/token:growing lacks permission applications:write/);
    const given = await request(t.server)
      .post('/v1/role-bindings')
      .set(bearer(admin))
      .send({ subject: 'token:growing', role: 'developer', scope: 'environment:team-a' })
      .expect(201);
    expect((await put()).status).toBe(201);
    await request(t.server).delete(`/v1/role-bindings/${given.body.id}`).set(bearer(admin)).expect(200);
    expect(expectProblem(await put(), 403).detail).toMatch(/token:growing lacks permission applications:write/);
  });

  it('a viewer never sees a secret value through a full apply, rotate and delete walk; the audit trail names who did what', async () => {
    const password = 'Walk-Pa55word-never-shown';
    const seen: string[] = [];
    const asViewer = async (path: string) => {
      const answer = await request(t.server).get(path).set(bearer(aViewer));
      seen.push(`${path} ${answer.status} ${answer.text}`);
      return answer;
    };
    const app = '/v1/environments/team-a/applications/walk';
    const yaml = shopYaml({ password }).replace('name: shop', 'name: walk');
    const views = async () => {
      await asViewer(app);
      await asViewer(`${app}/revisions`);
      const ops = await asViewer(`${app}/operations`);
      for (const op of (ops.body.items ?? []) as Array<{ id: string }>) {
        await asViewer(`/v1/operations/${op.id}`);
        await asViewer(`/v1/operations/${op.id}/events`);
      }
      await asViewer(`${app}/plan`);
      await asViewer(`${app}/manifests`);
      await asViewer(`${app}/manifests?secrets=omit`);
      await asViewer(`${app}/manifests?secrets=values`);
      await asViewer(`${app}/connection-secrets/walk-db-conn/keys/DB_PASSWORD`);
      await asViewer(`${app}/components/api/env`);
      await asViewer('/v1/environments/team-a/applications');
      await asViewer('/v1/environments/team-a');
    };
    await request(t.server).put(app).set(bearer(aDev)).set('Content-Type', 'application/yaml').send(yaml).expect(201);
    await views();
    await until(t.server, aDev, app, (body) => body.status?.phase === 'Ready');
    await views();
    const revealed = await request(t.server)
      .get(`${app}/components/api/env?reveal=true`)
      .set(bearer(aSecrets))
      .expect(200);
    const secretValues = (revealed.body.variables as Array<{ name: string; value?: string; sensitive?: boolean }>)
      .filter((v) => v.sensitive && v.value)
      .map((v) => v.value!);
    expect(secretValues.length).toBeGreaterThan(0);
    expect(secretValues.join(' ')).toContain(password);
    const viewerReveal = await request(t.server).get(`${app}/components/api/env?reveal=true`).set(bearer(aViewer));
    seen.push(viewerReveal.text);
    expectProblem(viewerReveal, 403);
    const rotate = await request(t.server).post(`${app}/components/media:rotate`).set(bearer(aDev));
    seen.push(rotate.text);
    await views();
    await request(t.server).delete(app).set(bearer(aDev)).expect(202);
    await views();
    await untilDeleted(t.server, aDev, app);
    await views();
    const all = seen.join('\n');
    expect(seen.length).toBeGreaterThan(40);
    for (const value of [...secretValues, password]) {
      expect(all).not.toContain(value);
      expect(all).not.toContain(Buffer.from(value).toString('base64'));
    }
    // The viewer reached the secret-reading forms and was refused by name, not served.
    expect(all).toMatch(/manifests\?secrets=values 403 .*secrets:read/);
    expect(all).toMatch(/connection-secrets\/walk-db-conn\/keys\/DB_PASSWORD 403 .*secrets:read/);

    const audit = await request(t.server)
      .get('/v1/audit?environment=team-a&application=walk')
      .set(bearer(admin))
      .expect(200);
    const records = audit.body.items as Array<{
      subject: string;
      tokenName: string;
      verb: string;
      resource: string;
      status: number;
    }>;
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subject: 'token:a-dev',
          tokenName: 'a-dev',
          verb: 'applications:write',
          resource: `PUT ${app}`,
          status: 201,
        }),
        expect.objectContaining({
          subject: 'token:a-secrets',
          verb: 'secrets:read',
          resource: `GET ${app}/components/api/env`,
          status: 200,
        }),
        expect.objectContaining({ subject: 'token:a-viewer', verb: 'secrets:read', status: 403 }),
        expect.objectContaining({
          subject: 'token:a-dev',
          verb: 'applications:write',
          resource: `DELETE ${app}`,
          status: 202,
        }),
      ]),
    );
    // Reads that reveal nothing are not audited; no value is ever in the trail.
    expect(records.filter((r) => r.subject === 'token:a-viewer' && r.status === 200)).toEqual([]);
    for (const value of [...secretValues, password]) expect(audit.text).not.toContain(value);
    const paged = await request(t.server).get('/v1/audit?limit=2').set(bearer(admin)).expect(200);
    expect(paged.body.items).toHaveLength(2);
    const next = await request(t.server)
      .get(`/v1/audit?limit=2&before=${paged.body.next}`)
      .set(bearer(admin))
      .expect(200);
    expect(next.body.items[0].seq).toBeLessThan(paged.body.items[1].seq);
  }, 240_000);
});

describe('failed authentications are throttled', () => {
  it('after BERTH_AUTH_FAILURE_LIMIT failures an address gets 429 with Retry-After, even with a good token', async () => {
    const t = await startTestApp('sqlite', { authenticateAsAdmin: false, config: { authFailureLimit: 3 } });
    try {
      for (let i = 0; i < 3; i++)
        expectProblem(
          await request(t.server)
            .get('/v1/environments')
            .set(bearer(`berth_${String(i).repeat(43)}`)),
          401,
        );
      const throttled = await request(t.server)
        .get('/v1/environments')
        .set(bearer(`berth_${'9'.repeat(43)}`));
      expectProblem(throttled, 429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
      expectProblem(await request(t.server).get('/v1/environments').set(bearer(t.adminToken)), 429);
      // Requests without credentials are not guesses: they are not counted, and health stays open.
      await request(t.server).get('/healthz').expect(200);
    } finally {
      await t.close();
    }
  });
});
