import { createServer, type Server as HttpServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

/** An OIDC issuer of our own: a generated RSA key, its JWKS served over HTTP, tokens signed with it. */
describe('OIDC bearer tokens', () => {
  let jwks: HttpServer;
  let issuer: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let t: TestApp;

  const sign = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; audience?: string; expiresIn?: string | number } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(issuer)
      .setSubject('alice')
      .setAudience(options.audience ?? 'berth')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    otherKey = (await generateKeyPair('RS256')).privateKey;
    jwks = createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
    issuer = `http://127.0.0.1:${(jwks.address() as { port: number }).port}`;
    t = await startTestApp('sqlite', {
      authenticateAsAdmin: false,
      config: {
        oidc: { issuer, audience: 'berth', jwksUrl: `${issuer}/jwks`, groupsClaim: 'groups', clockSkewSeconds: 0 },
      },
    });
    await request(t.server)
      .post('/v1/role-bindings')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ subject: 'group:devs', role: 'viewer', scope: 'environment:local' }))
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((done) => jwks?.close(done));
  });

  it('accepts a JWT of the issuer; its groups claim maps to role bindings', async () => {
    const token = await sign({ groups: ['devs', 'other'] });
    const me = await request(t.server).get('/v1/whoami').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({
      subject: 'user:alice',
      groups: ['devs', 'other'],
      roles: [{ role: 'viewer', scope: 'environment:local' }],
    });
    await request(t.server).get('/v1/environments/local').set('Authorization', `Bearer ${token}`).expect(200);
    const put = await request(t.server)
      .put('/v1/environments/local/applications/x')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/yaml')
      .send('a: 1');
    expect(expectProblem(put, 403).detail).toBe('user:alice lacks permission applications:write in environment local');
    // Without the group: no role anywhere, so the environment is not even there.
    const outsider = await sign({ groups: [] });
    expectProblem(
      await request(t.server).get('/v1/environments/local').set('Authorization', `Bearer ${outsider}`),
      404,
    );
  });

  it('refuses an expired JWT, one signed by another key, and one for another audience (401)', async () => {
    const expired = await sign({ groups: ['devs'] }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const forged = await sign({ groups: ['devs'] }, { key: otherKey });
    const elsewhere = await sign({ groups: ['devs'] }, { audience: 'another-service' });
    const cases: Array<[string, string]> = [
      [expired, 'the OIDC token has expired'],
      [forged, "the OIDC token's signature does not verify with the issuer's keys"],
      [elsewhere, "the OIDC token's aud claim is not accepted"],
    ];
    for (const [token, detail] of cases) {
      const answer = await request(t.server).get('/v1/environments/local').set('Authorization', `Bearer ${token}`);
      expect(expectProblem(answer, 401).detail).toBe(detail);
      expect(answer.text).not.toContain(token);
    }
  });
});
