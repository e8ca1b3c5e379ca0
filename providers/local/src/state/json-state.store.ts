import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A JSON document on disk, read once and rewritten atomically (temp file + fsync + rename) after every change.
 * Updates are serialised through one promise chain, so concurrent applies in one process never lose a write or read
 * a half-written file. (One process owns a data dir; several processes on the same dir are not supported.)
 */
export class JsonStateStore<T extends object> {
  private cache: T | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly empty: () => T,
  ) {}

  /** A deep copy of the current document. */
  async read(): Promise<T> {
    await this.chain.catch(() => undefined);
    return structuredClone(await this.load());
  }

  /**
   * Runs `mutate` on a copy of the document, exclusively; when it resolves the copy is persisted and becomes the
   * document. When it throws nothing changes.
   */
  update<R>(mutate: (draft: T) => R | Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      const draft = structuredClone(await this.load());
      const result = await mutate(draft);
      await this.persist(draft);
      this.cache = draft;
      return result;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<T> {
    if (this.cache) return this.cache;
    try {
      this.cache = JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.cache = this.empty();
    }
    return this.cache;
  }

  private async persist(value: T): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(value, null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  }
}
