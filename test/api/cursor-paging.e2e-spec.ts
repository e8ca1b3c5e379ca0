import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartYaml } from '../fixtures/applications';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

const LOCAL = { provider: { kind: 'local', settings: {} }, runtime: { kind: 'local', settings: {} } };

describe('cursor paging on every list route', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Follows `next` from `first` until the last page; every item once, in order. */
  async function walk(first: string, key: (item: Record<string, unknown>) => unknown): Promise<unknown[]> {
    const seen: unknown[] = [];
    let url: string | undefined = first;
    let pages = 0;
    while (url) {
      const page: request.Response = await request(t.server).get(url).expect(200);
      seen.push(...page.body.items.map(key));
      pages++;
      url = page.body.next ? `${first}&cursor=${page.body.next}` : undefined;
      expect(pages).toBeLessThan(50);
    }
    return seen;
  }

  it('pages environments, applications, revisions, operations and events by key with an opaque next cursor', async () => {
    for (const name of ['env-c', 'env-a', 'env-b']) {
      await request(t.server).put(`/v1/environments/${name}`).send(LOCAL).expect(201);
    }
    expect(await walk('/v1/environments?limit=2', (e) => e.name)).toEqual(['env-a', 'env-b', 'env-c', 'local']);

    const app = '/v1/environments/env-a/applications/shop';
    for (const tag of ['1.0.1', '1.0.2', '1.0.3']) {
      const yaml = quickstartYaml.replace('name: quickstart', 'name: shop').replace(':1.0.0', `:${tag}`);
      const put = await request(t.server).put(app).set('Content-Type', 'application/yaml').send(yaml);
      expect(put.status, put.text).toBeLessThan(300);
    }
    for (const name of ['b', 'a', 'c']) {
      const yaml = quickstartYaml.replace('name: quickstart', `name: ${name}`);
      await request(t.server)
        .put(`/v1/environments/env-a/applications/${name}`)
        .set('Content-Type', 'application/yaml')
        .send(yaml)
        .expect(201);
    }
    expect(await walk('/v1/environments/env-a/applications?limit=2', (a) => a.name)).toEqual(['a', 'b', 'c', 'shop']);
    // The older `continue` token is the same cursor.
    const first = (await request(t.server).get('/v1/environments/env-a/applications?limit=3').expect(200)).body;
    expect(first.continue).toBe(first.next);
    const rest = await request(t.server).get(`/v1/environments/env-a/applications?continue=${first.continue}`);
    expect(rest.body.items.map((a: { name: string }) => a.name)).toEqual(['shop']);

    expect(await walk(`${app}/revisions?limit=1`, (r) => r.generation)).toEqual([3, 2, 1]);

    const all = (await request(t.server).get(`${app}/operations`).expect(200)).body.items.map(
      (o: { id: string }) => o.id,
    );
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(await walk(`${app}/operations?limit=1`, (o) => o.id)).toEqual(all);

    const events = (await request(t.server).get(`/v1/operations/${all[0]}/events`).expect(200)).body.items.map(
      (e: { seq: number }) => e.seq,
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(await walk(`/v1/operations/${all[0]}/events?limit=1`, (e) => e.seq)).toEqual(events);
  });

  it('refuses a cursor it did not hand out with a 400 naming the parameter', async () => {
    for (const url of [
      '/v1/environments?cursor=bm9wZQ',
      '/v1/environments?cursor=%%%',
      '/v1/environments/local/applications?cursor=eyJhZnRlciI6MX0',
      '/v1/environments?limit=501',
    ]) {
      const problem = expectProblem(await request(t.server).get(url), 400);
      expect(problem.errors[0].path, url).toMatch(/^\/query\/(cursor|limit)$/);
    }
  });
});
