import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ProviderError, ProviderErrorCode, type CloudComponentType } from '@berth/core';

/** One resource the test provider "created". */
export interface InventoryResource {
  idempotencyKey: string;
  id: string;
  environment: string;
  application: string;
  component: string;
  type: CloudComponentType;
  properties: Record<string, unknown>;
  /** Non-secret outputs only: the inventory file holds no secret values. */
  outputs: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  applies: number;
}

export interface InventoryData {
  version: 1;
  /** By idempotency key: one entry per resource, whatever the number of applies, retries or crashes. */
  resources: Record<string, InventoryResource>;
  /** Injected failures already served, by `<component>:<action>`. */
  failures: Record<string, number>;
  /** Matching calls seen per exit point, and the exit points that already ended a process (each fires once). */
  exits: { counts: Record<string, number>; fired: string[] };
}

const EMPTY: InventoryData = { version: 1, resources: {}, failures: {}, exits: { counts: {}, fired: [] } };
const LOCK_TIMEOUT_MS = 15_000;

/** Serializes this process's updates of one file; the lock file serializes processes. */
const inProcess = new Map<string, Promise<unknown>>();

/**
 * The test provider's record of what exists, in a JSON file shared by every process that uses the same path.
 * Updates are read-modify-write under a lock file; the file is replaced atomically (temp file, fsync, rename), so a
 * SIGKILL at any instant leaves either the old or the new content, never a torn file.
 */
export class TestInventory {
  constructor(readonly path: string) {}

  async read(): Promise<InventoryData> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw error;
    }
    const data = JSON.parse(text) as InventoryData;
    return { ...structuredClone(EMPTY), ...data, exits: { ...EMPTY.exits, ...data.exits } };
  }

  async resources(): Promise<InventoryResource[]> {
    return Object.values((await this.read()).resources);
  }

  /** Runs `change` on the current content and writes the result, under the lock. */
  update<T>(change: (data: InventoryData) => T): Promise<T> {
    const previous = inProcess.get(this.path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.locked(change));
    inProcess.set(this.path, next);
    void next
      .finally(() => {
        if (inProcess.get(this.path) === next) inProcess.delete(this.path);
      })
      .catch(() => undefined);
    return next;
  }

  private async locked<T>(change: (data: InventoryData) => T): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await this.acquire();
    try {
      const data = await this.read();
      const result = change(data);
      await this.write(data);
      return result;
    } finally {
      await release();
    }
  }

  private async write(data: InventoryData): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(data, null, 2) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private async acquire(): Promise<() => Promise<void>> {
    const lockPath = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    for (;;) {
      try {
        await writeFile(lockPath, String(process.pid), { flag: 'wx' });
        return () => unlink(lockPath).catch(() => undefined);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
        // The holder died (SIGKILL) without releasing; its write either happened whole or not at all.
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new ProviderError(
          ProviderErrorCode.Conflict,
          `test provider inventory ${this.path} stayed locked by process ${holder}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
