import { LocalResourceProvider } from '@berth/provider-local';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLog, request, tempDataDir } from './local-request.fixture';

function backend(name: string, port = 0): Promise<Server> {
  const server = createServer((_req, res) => {
    res.setHeader('connection', 'close');
    res.end(name);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** One HTTP GET through the given address with a fresh connection (no keep-alive), resolving to the body. */
function get(address: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: Number(port), path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function send(address: string, count: number): Promise<{ bodies: string[]; failures: number }> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => get(address)));
  return {
    bodies: results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value),
    failures: results.filter((r) => r.status === 'rejected').length,
  };
}

describe('local provider: slb (loopback TCP load balancer)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let provider: LocalResourceProvider;
  let servers: Server[] = [];
  const log = new RecordingLog();

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDataDir());
    provider = new LocalResourceProvider({ dataDir: dir, slbHealthCheckIntervalMs: 200 });
    await provider.start();
    servers = [];
  });
  afterEach(async () => {
    await provider.close();
    await Promise.all(servers.map((s) => (s.listening ? stop(s) : undefined)));
    await cleanup();
  });

  it('spreads 100 requests over both backends, and loses none when one backend dies or comes back', async () => {
    const a = await backend('a');
    const b = await backend('b');
    servers.push(a, b);
    const spec = {
      type: 'slb' as const,
      component: 'lb',
      properties: {
        listeners: [{ port: 80, protocol: 'http', backendPort: 8080 }],
        backends: [`127.0.0.1:${portOf(a)}`, `127.0.0.1:${portOf(b)}`],
      },
    };
    const result = await provider.apply(request(spec), log);
    expect(result.outputs.SLB_ID).toMatch(/^slb-/);
    expect(result.outputs.slbId).toBe(result.outputs.SLB_ID);
    expect(result.outputs.SLB_ADDRESS).toMatch(/^127\.0\.0\.1:\d+$/);

    const first = await send(result.outputs.SLB_ADDRESS, 100);
    expect(first.failures).toBe(0);
    const countA = first.bodies.filter((x) => x === 'a').length;
    expect(countA).toBeGreaterThan(20);
    expect(100 - countA).toBeGreaterThan(20);

    // Stop b: requests right away are retried on a (connect refused → next backend), and after the health check
    // b is out of the rotation.
    const bPort = portOf(b);
    await stop(b);
    const during = await send(result.outputs.SLB_ADDRESS, 50);
    expect(during.failures).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    const after = await send(result.outputs.SLB_ADDRESS, 100);
    expect(after.failures).toBe(0);
    expect(new Set(after.bodies)).toEqual(new Set(['a']));

    // b comes back on its port: the health check puts it back.
    const b2 = await backend('b', bPort);
    servers.push(b2);
    await new Promise((r) => setTimeout(r, 500));
    const back = await send(result.outputs.SLB_ADDRESS, 60);
    expect(back.failures).toBe(0);
    expect(back.bodies).toContain('b');
  });

  it('is idempotent, comes back after a restart on the same port, reports drift when the port is taken, and destroys twice', async () => {
    const a = await backend('a');
    servers.push(a);
    const spec = {
      type: 'slb' as const,
      component: 'lb2',
      properties: { listeners: [{ port: 443, protocol: 'tcp', backendPort: portOf(a) }], backends: ['127.0.0.1'] },
    };
    const one = await provider.apply(request(spec), log);
    const two = await provider.apply(request(spec), log);
    expect(two.outputs).toEqual(one.outputs);
    expect(await get(one.outputs.SLB_ADDRESS)).toBe('a');

    await provider.close();
    provider = new LocalResourceProvider({ dataDir: dir, slbHealthCheckIntervalMs: 200 });
    await provider.start();
    expect(await get(one.outputs.SLB_ADDRESS)).toBe('a');
    expect((await provider.refresh(request(spec))).drifted).toBe(false);

    // Take the port while the provider is down.
    await provider.close();
    const squatter = createServer();
    await new Promise<void>((r) =>
      squatter.listen(Number(one.outputs.SLB_ADDRESS.split(':')[1]), '127.0.0.1', () => r()),
    );
    servers.push(squatter);
    provider = new LocalResourceProvider({ dataDir: dir, slbHealthCheckIntervalMs: 200 });
    await provider.start();
    const drift = await provider.refresh(request(spec));
    expect(drift.drifted).toBe(true);
    expect(drift.differences[0].field).toBe('SLB_ADDRESS');
    const reapplied = await provider.apply(request(spec), log);
    expect(reapplied.outputs.SLB_ADDRESS).not.toBe(one.outputs.SLB_ADDRESS);
    expect(reapplied.outputs.SLB_ADDRESS).toBe(drift.differences[0].actual);
    expect(await get(reapplied.outputs.SLB_ADDRESS)).toBe('a');
    expect((await provider.refresh(request(spec))).drifted).toBe(false);

    await provider.destroy(request(spec), log);
    await provider.destroy(request(spec), log);
    await expect(get(reapplied.outputs.SLB_ADDRESS)).rejects.toThrow();
    expect((await provider.refresh(request(spec))).exists).toBe(false);
  });
});
