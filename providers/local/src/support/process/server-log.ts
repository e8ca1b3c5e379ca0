import { open, stat } from 'node:fs/promises';

/** Where a server's log ends now: what it writes after this is about what happens next. */
export async function logOffset(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** The lines a server appended to its own log after `offset` (at most the last 64 KiB): why a start failed. */
export async function logLinesSince(path: string, offset: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const length = Math.min(size - offset, 64 * 1024);
    if (length <= 0) return [];
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, Math.max(offset, size - length));
    return buffer.toString('utf8').split('\n');
  } catch {
    return [];
  } finally {
    await handle?.close();
  }
}
