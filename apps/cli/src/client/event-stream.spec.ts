import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { followEventStream, type StreamMessage } from './event-stream';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Serves `chunks` as a text/event-stream over real HTTP, with a pause between chunks, then closes the stream. */
async function serve(chunks: Buffer[]): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    const next = () => {
      if (i === chunks.length) return res.end();
      res.write(chunks[i++]);
      setTimeout(next, 5);
    };
    next();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

describe('followEventStream', () => {
  it('delivers each SSE message once, in order, even when split across chunks and multi-byte characters', async () => {
    const event = (seq: number, message: string) =>
      `id: ${seq}\nevent: info\ndata: ${JSON.stringify({ seq, message })}\n\n`;
    const whole = `: keep-alive\n\n${event(1, 'provisioning db')}${event(2, 'db ready ✓')}event: end\ndata: {"state":"Succeeded"}\n\n`;
    // Split at awkward places: inside a field name, inside the JSON, inside the 3-byte ✓.
    const bytes = Buffer.from(whole);
    const cut = [7, 30, bytes.indexOf(Buffer.from('✓')) + 1, bytes.length - 10];
    const parts = [...cut, bytes.length].map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
    const res = await fetch(await serve(parts));
    const messages: StreamMessage[] = [];
    await followEventStream(res, (m) => messages.push(m));
    expect(messages.map((m) => [m.event, m.id, m.data])).toEqual([
      ['info', '1', '{"seq":1,"message":"provisioning db"}'],
      ['info', '2', '{"seq":2,"message":"db ready ✓"}'],
      ['end', undefined, '{"state":"Succeeded"}'],
    ]);
  });
});
