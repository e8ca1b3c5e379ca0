import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookError, WebhookPoster } from './webhook-poster';

const FAST = { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50, factor: 2 };
const TOKEN = 'XOXB-secret-token';

describe('WebhookPoster', () => {
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      req.resume();
      req.on('end', () => {
        if (path.startsWith('/slow/')) return void setTimeout(() => res.end('late'), 2_000);
        const status = path.startsWith('/teapot/') ? 418 : path.startsWith('/busy/') ? 429 : 204;
        res.writeHead(status).end(`you posted to ${path}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const poster = new WebhookPoster({ retry: FAST, attemptTimeoutMs: 300 });
  const failure = (url: string) =>
    poster.post(url, { text: 'hi' }, new AbortController().signal).then(
      () => undefined,
      (error: unknown) => error as Error,
    );

  it('resolves on a 2xx', async () => {
    await expect(poster.post(`${base}/ok/${TOKEN}`, { text: 'hi' }, new AbortController().signal)).resolves.toBe(
      undefined,
    );
  });

  it('fails a 4xx at once with its status code, 429 after every attempt; the URL is in no message', async () => {
    const teapot = await failure(`${base}/teapot/${TOKEN}`);
    expect(teapot).toBeInstanceOf(WebhookError);
    expect(teapot?.message).toBe('the webhook answered 418 (attempt 1 of 3)');
    expect(hits.get(`/teapot/${TOKEN}`)).toBe(1);
    const busy = await failure(`${base}/busy/${TOKEN}`);
    expect(busy?.message).toBe('the webhook answered 429 (attempt 3 of 3)');
    expect(hits.get(`/busy/${TOKEN}`)).toBe(3);
  });

  it('reports a refused connection and a timeout by what happened, not where', { timeout: 30_000 }, async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure(`http://127.0.0.1:${port}/hook/${TOKEN}`);
    expect(refused?.message).toBe('the webhook could not be reached: ECONNREFUSED (attempt 3 of 3)');
    const slow = await failure(`${base}/slow/${TOKEN}`);
    expect(slow?.message).toBe('the webhook could not be reached: no answer within 300 ms (attempt 3 of 3)');
    for (const error of [refused, slow]) {
      expect(error?.message).not.toContain(TOKEN);
      expect(error?.message).not.toContain('127.0.0.1');
    }
  });
});
