import { createServer } from 'node:net';

/**
 * `preferred` when it can be bound on `host`, else a port the system picks. The port is free when this returns; a
 * server started on it afterwards can still lose it to another process, which its caller must handle.
 */
export async function freePort(host: string, preferred: number): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
      });
    });
  if (preferred > 0) {
    try {
      return await attempt(preferred);
    } catch {
      // taken: any port
    }
  }
  return attempt(0);
}
