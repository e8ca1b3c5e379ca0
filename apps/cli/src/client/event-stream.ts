import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type StreamMessage = EventSourceMessage;

/**
 * Reads a `text/event-stream` response body to its end, handing each complete SSE message to `onMessage` in order.
 * Resolves when the server closes the stream.
 */
export async function followEventStream(res: Response, onMessage: (message: StreamMessage) => void): Promise<void> {
  if (!res.body) return;
  const parser = createParser({ onEvent: onMessage });
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
}
