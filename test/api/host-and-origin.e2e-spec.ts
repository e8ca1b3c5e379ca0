import { hostname } from 'node:os';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

const ROTATE = '/v1/environments/local/applications/shop/components/db:rotate';

describe('Host and Origin: a web page cannot drive a Berth on loopback', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite'); // bound to 127.0.0.1, nothing configured
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a Host it does not answer for (DNS rebinding) with 421 naming the host', async () => {
    for (const host of ['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io']) {
      const answer = await request(t.server).get('/v1/environments/local').set('Host', host);
      const problem = expectProblem(answer, 421);
      expect(problem.detail).toContain(`"${host.replace(/:\d+$/, '')}"`);
      expect(problem.detail).toContain('BERTH_ALLOWED_HOSTS');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    // Secrets are behind the same check.
    expectProblem(
      await request(t.server)
        .get('/v1/environments/local/applications/shop/components/api/env?reveal=true')
        .set('Host', 'evil.example'),
      421,
    );
    expectProblem(await request(t.server).get('/healthz').set('Host', 'not a host'), 400);
  });

  it('answers the loopback names and addresses, with or without a port', async () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.1:8080',
      'localhost',
      'LOCALHOST:9',
      'api.localhost',
      '[::1]:8080',
      '127.1.2.3',
    ]) {
      await request(t.server).get('/v1/environments/local').set('Host', host).expect(200);
    }
  });

  it('refuses a cross-origin request with 403 before it does anything, and grants no CORS', async () => {
    const rotate = await request(t.server)
      .post(ROTATE)
      .set('Origin', 'https://evil.example')
      .set('Content-Type', 'text/plain')
      .send('x');
    const problem = expectProblem(rotate, 403);
    expect(problem.detail).toContain('"https://evil.example"');
    expect(problem.detail).toContain('BERTH_ALLOWED_ORIGINS');
    expect(rotate.headers['access-control-allow-origin']).toBeUndefined();

    for (const origin of ['null', 'http://localhost:1', 'http://127.0.0.1']) {
      expectProblem(await request(t.server).get('/v1/environments').set('Origin', origin), 403);
    }
    // A preflight from another origin is refused too.
    const preflight = await request(t.server)
      .options('/v1/environments/local')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'PUT');
    expectProblem(preflight, 403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts a same-origin browser request (the /docs page) and clients that send no Origin', async () => {
    const port = 8080;
    await request(t.server)
      .get('/v1/environments/local')
      .set('Host', `127.0.0.1:${port}`)
      .set('Origin', `http://127.0.0.1:${port}`)
      .expect(200);
    await request(t.server)
      .put('/v1/environments/other?dryRun=true')
      .set('Host', `localhost:${port}`)
      .set('Origin', `http://localhost:${port}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ provider: { kind: 'local' }, runtime: { kind: 'local' } }))
      .expect(200);
    await request(t.server).get('/v1/environments/local').set('Host', `localhost:${port}`).expect(200);
  });

  it('accepts only the documented body types on mutations (415), also on actions that take no body', async () => {
    const plain = await request(t.server).post(ROTATE).set('Content-Type', 'text/plain').send('x');
    expect(expectProblem(plain, 415).detail).toMatch(/takes no request body/);
    const form = await request(t.server)
      .post('/v1/environments/local/applications/shop:retry')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=b');
    expectProblem(form, 415);
    const put = await request(t.server)
      .put('/v1/environments/local/applications/shop')
      .set('Content-Type', 'text/plain')
      .send('kind: Application');
    expect(expectProblem(put, 415).detail).toMatch(/send one of application\/yaml/);
    const environment = await request(t.server)
      .put('/v1/environments/other')
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .send('--x--');
    expectProblem(environment, 415);
    const deletion = await request(t.server)
      .delete('/v1/environments/local/applications/shop')
      .set('Content-Type', 'text/plain')
      .send('x');
    expectProblem(deletion, 415);
    // Without a body an action is judged by what it does (here: no such application).
    expectProblem(await request(t.server).post(ROTATE), 404);
  });
});

describe('Host and Origin when configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      config: {
        host: '0.0.0.0',
        allowedHosts: ['berth.example.com', '*.berth.internal'],
        allowedOrigins: ['https://console.example.com'],
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the configured hosts, loopback and IP addresses, and no other name', async () => {
    // IP addresses stay answered when bound to every interface: they cannot be rebound, and probes use them.
    for (const host of [
      'berth.example.com',
      'berth.example.com:443',
      'a.berth.internal',
      '127.0.0.1',
      '10.1.2.3:8080',
    ]) {
      await request(t.server).get('/healthz').set('Host', host).expect(200);
    }
    for (const host of ['example.com', 'berth.example.com.evil.example', 'berth.internal', hostname()]) {
      expectProblem(await request(t.server).get('/healthz').set('Host', host), 421);
    }
  });

  it('grants CORS to an allowed origin (preflight included) and refuses the others', async () => {
    const preflight = await request(t.server)
      .options('/v1/environments/local')
      .set('Host', 'berth.example.com')
      .set('Origin', 'https://console.example.com')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'content-type,if-match');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
    const read = await request(t.server)
      .get('/v1/environments/local')
      .set('Host', 'berth.example.com')
      .set('Origin', 'https://console.example.com')
      .expect(200);
    expect(read.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(read.headers['access-control-expose-headers']).toContain('ETag');

    const other = await request(t.server)
      .get('/v1/environments/local')
      .set('Host', 'berth.example.com')
      .set('Origin', 'https://other.example.com');
    expectProblem(other, 403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Host default when bound to every interface (0.0.0.0)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { config: { host: '0.0.0.0' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers IP addresses and this machine’s name, not other names', async () => {
    for (const host of ['10.1.2.3:8080', '[fd00::1]:8080', hostname(), 'localhost']) {
      await request(t.server).get('/healthz').set('Host', host).expect(200);
    }
    expectProblem(await request(t.server).get('/healthz').set('Host', 'evil.example'), 421);
  });
});
