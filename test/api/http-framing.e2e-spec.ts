import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (FIN or reset) before the deadline. */
  closed: boolean;
  /** Milliseconds from the first byte written to the close (or the deadline). */
  elapsedMs: number;
}

/** Writes raw bytes on a fresh connection and reads until the server closes it or `deadlineMs` passes. */
function exchange(port: number, write: (socket: Socket) => void, deadlineMs = 30_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const started = Date.now();
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
        closed,
        elapsedMs: Date.now() - started,
      });
    };
    const timer = setTimeout(() => finish(false), deadlineMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => write(socket));
  });
}

function expectProblemAnswer(answer: RawAnswer, status: number, detail: RegExp): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body) as { status: number; detail: string; type: string };
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^https:\/\/berth\.dev\/problems\//) });
  expect(problem.detail).toMatch(detail);
}

const PUT_APP = 'PUT /v1/environments/local/applications/framing HTTP/1.1\r\nHost: 127.0.0.1\r\n';

describe('malformed framing and slow clients over a real socket', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    // A short request timeout, so a body that never arrives is cut off quickly here.
    t = await startTestApp('sqlite', { config: { requestTimeoutMs: 1_500 } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a bad chunk size with a problem+json 400, not a bare one', async () => {
    const answer = await exchange(port, (socket) =>
      socket.write(
        `${PUT_APP}Content-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
      ),
    );
    expectProblemAnswer(answer, 400, /invalid chunk size/);
    expect(answer.closed).toBe(true);
  });

  it('answers Content-Length together with chunked encoding with a problem+json 400', async () => {
    const answer = await exchange(port, (socket) =>
      socket.write(
        `${PUT_APP}Content-Type: application/yaml\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab: c\r\n0\r\n\r\n`,
      ),
    );
    expectProblemAnswer(answer, 400, /Content-Length and Transfer-Encoding/);
  });

  it('answers a malformed header with a problem+json 400', async () => {
    const answer = await exchange(port, (socket) =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n'),
    );
    expectProblemAnswer(answer, 400, /header is malformed/);
  });

  it('answers a body that never arrives with 408 and closes the connection after the request timeout', async () => {
    const answer = await exchange(port, (socket) =>
      socket.write(`${PUT_APP}Content-Type: application/yaml\r\nContent-Length: 1000\r\n\r\nkind: Applic`),
    );
    expectProblemAnswer(answer, 408, /not received completely in time/);
    expect(answer.closed).toBe(true);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000);
  });

  it('answers headers that never end with 408 and closes the connection', async () => {
    const answer = await exchange(port, (socket) =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
    );
    expectProblemAnswer(answer, 408, /not received completely in time/);
    expect(answer.closed).toBe(true);
  });

  it('still serves a request that arrives in pieces within the timeout, on a kept-alive connection', async () => {
    const answer = await exchange(
      port,
      (socket) => {
        socket.write('GET /healthz HTTP/1.1\r\nHo');
        setTimeout(() => socket.write('st: 127.0.0.1\r\nConnection: close\r\n\r\n'), 300);
      },
      20_000,
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
  });
});

/** Python's urllib writes the whole body before it reads anything, and always asks for Connection: close. */
const URLLIB_CLIENT = `
import json, sys, urllib.request, urllib.error
url, mib, mode, content_type = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
payload = b"a: " + b"x" * (mib * 1024 * 1024)
if mode == "chunked":
    data = iter([payload[i:i + 65536] for i in range(0, len(payload), 65536)])
    request = urllib.request.Request(url, data=data, method=sys.argv[5], headers={"Content-Type": content_type, "Transfer-Encoding": "chunked"})
else:
    request = urllib.request.Request(url, data=payload, method=sys.argv[5], headers={"Content-Type": content_type})
try:
    with urllib.request.urlopen(request, timeout=60) as response:
        print(json.dumps({"status": response.status, "type": response.headers.get("Content-Type"), "body": response.read().decode()}))
except urllib.error.HTTPError as error:
    print(json.dumps({"status": error.code, "type": error.headers.get("Content-Type"), "body": error.read().decode()}))
except Exception as error:
    print(json.dumps({"error": type(error).__name__ + ": " + str(error)}))
`;

function urllib(
  url: string,
  mib: number,
  mode: 'length' | 'chunked',
  method = 'PUT',
  contentType = 'application/yaml',
): Promise<{ status?: number; type?: string; body?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', URLLIB_CLIENT, url, String(mib), mode, contentType, method], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(out) as { status?: number; type?: string; body?: string; error?: string });
      } catch {
        reject(new Error(`python3 exited ${code}: ${out} ${err}`));
      }
    });
  });
}

describe('bodies over the limit from a client that sends everything before it reads', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { config: { maxBodyBytes: 1024 * 1024 } });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    [4, 'length'],
    [32, 'length'],
    [4, 'chunked'],
    [32, 'chunked'],
  ] as const)('answers %i MiB (%s) with 413 problem+json instead of a broken pipe', async (mib, mode) => {
    const answer = await urllib(`${base}/v1/environments/local/applications/big`, mib, mode);
    expect(answer.error, answer.error).toBeUndefined();
    expect(answer.status).toBe(413);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body!).detail).toMatch(/larger than the limit of 1048576 bytes/);
  });

  it('answers a body announced far beyond what it would drain at once, and closes the connection', async () => {
    const port = new URL(base).port;
    const answer = await exchange(Number(port), (socket) =>
      socket.write(
        'PUT /v1/environments/local/applications/big HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Content-Type: application/yaml\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\nkind: App`,
      ),
    );
    expectProblemAnswer(answer, 413, /larger than the limit/);
    expect(answer.headers.connection).toBe('close');
    expect(answer.closed).toBe(true);
  });

  it('answers a body sent to a route that takes none with 415, also when it is large', async () => {
    const answer = await urllib(
      `${base}/v1/environments/local/applications/big:retry`,
      8,
      'length',
      'POST',
      'text/plain',
    );
    expect(answer.error, answer.error).toBeUndefined();
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body!).detail).toMatch(/takes no request body/);
  });
});
