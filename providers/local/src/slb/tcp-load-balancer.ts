import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface LoadBalancerListener {
  /** Frontend port as written in the component (what a cloud SLB would listen on). */
  port: number;
  /** Loopback port actually listened on (0 = any free port). */
  localPort: number;
  backends: Backend[];
}

export interface TcpLoadBalancerOptions {
  host: string;
  listeners: LoadBalancerListener[];
  healthCheckIntervalMs: number;
  /** How long a health probe or a backend connect may take (default: the interval, at most 2 s). */
  connectTimeoutMs?: number;
}

interface BackendState extends Backend {
  healthy: boolean;
}

/**
 * A loopback TCP load balancer: each listener accepts connections and pipes each one to the next healthy backend,
 * round robin. An active TCP health check (connect, then close) takes dead backends out and puts them back when they
 * answer again; a connection whose backend refuses is retried on the next healthy backend, so the client never sees
 * that failure. Layer 4 only: the protocol property (HTTP, HTTPS, TCP) does not change what it does.
 */
export class TcpLoadBalancer {
  private readonly servers: Server[] = [];
  private readonly pools: BackendState[][] = [];
  private readonly cursors: number[] = [];
  private readonly sockets = new Set<Socket>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Listening ports, in listener order, once started. */
  readonly boundPorts: number[] = [];

  constructor(private readonly options: TcpLoadBalancerOptions) {}

  private get connectTimeout(): number {
    return this.options.connectTimeoutMs ?? Math.min(Math.max(this.options.healthCheckIntervalMs, 200), 2000);
  }

  /** Binds every listener (falling back to a free port when a remembered one is taken) and starts health checks. */
  async start(): Promise<number[]> {
    for (const listener of this.options.listeners) {
      const pool: BackendState[] = listener.backends.map((b) => ({ ...b, healthy: true }));
      const index = this.pools.length;
      this.pools.push(pool);
      this.cursors.push(0);
      const server = createServer((client) => this.handle(index, client));
      server.on('error', () => undefined);
      const port = await listen(server, this.options.host, listener.localPort).catch(
        async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EADDRINUSE' || listener.localPort === 0) throw error;
          return listen(server, this.options.host, 0);
        },
      );
      this.servers.push(server);
      this.boundPorts.push(port);
    }
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.options.healthCheckIntervalMs);
    this.timer.unref();
    return this.boundPorts;
  }

  /** Health of every backend per listener (for tests and status). */
  health(): Array<Array<Backend & { healthy: boolean }>> {
    return this.pools.map((pool) => pool.map((b) => ({ ...b })));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  private async checkAll(): Promise<void> {
    await Promise.all(
      this.pools.flat().map(async (backend) => {
        backend.healthy = await probe(backend, this.connectTimeout);
      }),
    );
  }

  /** Healthy backends of a listener, starting after the round-robin cursor. */
  private order(index: number): BackendState[] {
    const pool = this.pools[index];
    const start = this.cursors[index] % Math.max(pool.length, 1);
    this.cursors[index] = start + 1;
    const rotated = [...pool.slice(start), ...pool.slice(0, start)];
    // Healthy ones first; the ones marked down are a last resort (one may have come back since the last check).
    return [...rotated.filter((b) => b.healthy), ...rotated.filter((b) => !b.healthy)];
  }

  private handle(index: number, client: Socket): void {
    if (this.closed) {
      client.destroy();
      return;
    }
    this.track(client);
    client.pause();
    client.on('error', () => undefined);
    const candidates = this.order(index);
    const attempt = (i: number): void => {
      if (client.destroyed) return;
      const backend = candidates[i];
      if (!backend) {
        client.destroy();
        return;
      }
      const upstream = connect({ host: backend.host, port: backend.port });
      let connected = false;
      upstream.setTimeout(this.connectTimeout, () => {
        if (!connected) upstream.destroy(new Error('connect timeout'));
      });
      upstream.once('connect', () => {
        connected = true;
        upstream.setTimeout(0);
        this.track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', () => {
        if (connected) return;
        // The backend refused: take it out until the health check sees it again, and try the next one.
        backend.healthy = false;
        upstream.destroy();
        attempt(i + 1);
      });
    };
    attempt(0);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function probe(backend: Backend, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: backend.host, port: backend.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
