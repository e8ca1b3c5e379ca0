import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalState, ResourceRecord } from './local-state';
import type { StateStore } from './state.store';

type Services = NonNullable<LocalState['services']>;

/**
 * The provider's state as one small file per resource (`<dir>/resources/<id>.json`) plus `<dir>/services.json`, held
 * in memory once loaded. A read hands out copies of only the records it touches, and an update writes (temp file +
 * fsync + rename) only the records it changed, so applying, refreshing or destroying one component costs the same
 * with ten or ten thousand resources. Updates are serialised within the process (one process owns a data dir).
 * A `state.json` left by an older version is split into these files once, then kept as `state.json.migrated`.
 */
export class RecordStateStore implements StateStore<LocalState> {
  private records?: Map<string, ResourceRecord>;
  private services: Services = {};
  private loading?: Promise<void>;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  private get resourceDir(): string {
    return join(this.dir, 'resources');
  }

  async read(): Promise<LocalState> {
    await this.chain.catch(() => undefined);
    await this.load();
    return this.draft(new Map()).state;
  }

  update<R>(mutate: (draft: LocalState) => R | Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      await this.load();
      const overlay = new Map<string, ResourceRecord | null>();
      const { state } = this.draft(overlay);
      const result = await mutate(state);
      await this.commit(overlay, state.services ?? {});
      return result;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** A document whose `resources` reads through to the loaded records, copying each one on first touch. */
  private draft(overlay: Map<string, ResourceRecord | null>): { state: LocalState } {
    const records = this.records!;
    const lookup = (id: string): ResourceRecord | undefined => {
      if (overlay.has(id)) return overlay.get(id) ?? undefined;
      const base = records.get(id);
      if (!base) return undefined;
      const copy = structuredClone(base);
      overlay.set(id, copy);
      return copy;
    };
    const exists = (id: string) => (overlay.has(id) ? overlay.get(id) != null : records.has(id));
    const resources = new Proxy({} as Record<string, ResourceRecord>, {
      get: (_target, key) => (typeof key === 'string' ? lookup(key) : undefined),
      set: (_target, key, value: ResourceRecord) => {
        if (typeof key !== 'string') return false;
        overlay.set(key, value);
        return true;
      },
      deleteProperty: (_target, key) => {
        if (typeof key === 'string') overlay.set(key, null);
        return true;
      },
      has: (_target, key) => typeof key === 'string' && exists(key),
      ownKeys: () => {
        const keys = new Set(records.keys());
        for (const [id, value] of overlay) {
          if (value) keys.add(id);
          else keys.delete(id);
        }
        return [...keys];
      },
      getOwnPropertyDescriptor: (_target, key) =>
        typeof key === 'string' && exists(key)
          ? { value: lookup(key), writable: true, enumerable: true, configurable: true }
          : undefined,
    });
    return { state: { version: 1, resources, services: structuredClone(this.services) } };
  }

  private async commit(overlay: Map<string, ResourceRecord | null>, services: Services): Promise<void> {
    const records = this.records!;
    const writes: Array<Promise<void>> = [];
    const changed: Array<[string, ResourceRecord | null]> = [];
    for (const [id, value] of overlay) {
      const base = records.get(id);
      if (value === null) {
        if (base) {
          changed.push([id, null]);
          writes.push(unlink(this.fileOf(id)).catch(ignoreMissing));
        }
      } else {
        const text = JSON.stringify(value);
        if (!base || text !== JSON.stringify(base)) {
          changed.push([id, JSON.parse(text) as ResourceRecord]);
          writes.push(writeAtomically(this.fileOf(id), text));
        }
      }
    }
    const servicesText = JSON.stringify(services);
    const servicesChanged = servicesText !== JSON.stringify(this.services);
    if (servicesChanged) writes.push(writeAtomically(join(this.dir, 'services.json'), servicesText));
    await Promise.all(writes);
    for (const [id, value] of changed) {
      if (value) records.set(id, value);
      else records.delete(id);
    }
    if (servicesChanged) this.services = JSON.parse(servicesText) as Services;
  }

  private load(): Promise<void> {
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async loadOnce(): Promise<void> {
    await mkdir(this.resourceDir, { recursive: true });
    await this.migrateStateFile();
    const records = new Map<string, ResourceRecord>();
    for (const name of await readdir(this.resourceDir)) {
      if (!name.endsWith('.json')) continue;
      const record = JSON.parse(await readFile(join(this.resourceDir, name), 'utf8')) as ResourceRecord;
      records.set(record.id, record);
    }
    try {
      this.services = JSON.parse(await readFile(join(this.dir, 'services.json'), 'utf8')) as Services;
    } catch (error) {
      ignoreMissing(error);
    }
    this.records = records;
  }

  /** The single `state.json` of older versions: each record to its own file, then the old file set aside. */
  private async migrateStateFile(): Promise<void> {
    const legacy = join(this.dir, 'state.json');
    let text: string;
    try {
      text = await readFile(legacy, 'utf8');
    } catch (error) {
      return ignoreMissing(error);
    }
    const state = JSON.parse(text) as LocalState;
    await Promise.all(
      Object.values(state.resources ?? {}).map((record) =>
        writeAtomically(this.fileOf(record.id), JSON.stringify(record)),
      ),
    );
    if (state.services) await writeAtomically(join(this.dir, 'services.json'), JSON.stringify(state.services));
    await rename(legacy, `${legacy}.migrated`);
  }

  private fileOf(id: string): string {
    return join(this.resourceDir, `${encodeURIComponent(id)}.json`);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
