import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
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
/** A live holder keeps the lock for one read-modify-write; on a loaded machine (fsync included) that can take seconds. */
const LOCK_TIMEOUT_MS = 30_000;
/** A lock file naming no pid is not one this class writes; it is broken once it is this old. */
const FOREIGN_LOCK_GRACE_MS = 5_000;

/** Serializes this process's updates of one file; the lock file serializes processes. */
const inProcess = new Map<string, Promise<unknown>>();

/**
 * The test provider's record of what exists, in a JSON file shared by every process that uses the same path.
 * Updates are read-modify-write under a lock file; the file is replaced atomically (temp file, fsync, rename), so a
 * SIGKILL at any instant leaves either the old or the new content, never a torn file.
 */
export class TestInventory {
  /** `lockTimeoutMs`: how long an update waits for a live holder's lock before failing with Conflict. */
  constructor(
    readonly path: string,
    private readonly options: { lockTimeoutMs?: number } = {},
  ) {}

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

  /**
   * Takes the lock file `<inventory>.lock`, which names its holder's pid. It appears whole or not at all: the pid is
   * written to a private file first and linked into place (link(2) fails if the lock exists), so a holder SIGKILLed at
   * any instant leaves either no lock or one naming it, which the next taker breaks at once because that process is
   * gone. (Creating the lock with O_EXCL and then writing the pid left an empty lock when the kill fell in between:
   * nobody could tell its holder was dead, and every later update waited for the lock timeout.)
   */
  private async acquire(): Promise<() => Promise<void>> {
    const lockPath = `${this.path}.lock`;
    const mine = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(mine, String(process.pid), { flag: 'wx' });
    const timeoutMs = this.options.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        try {
          await link(mine, lockPath);
          return () => unlink(lockPath).catch(() => undefined);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const holder = await lockHolder(lockPath);
        if (holder === 'gone') continue;
        if (holder === 'stale') {
          await breakLock(lockPath);
          continue;
        }
        if (Date.now() > deadline) {
          throw new ProviderError(
            ProviderErrorCode.Conflict,
            `test provider inventory ${this.path} stayed locked ${holder === 'foreign' ? 'by a lock file naming no process' : `by process ${holder}`} for ${timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      }
    } finally {
      await unlink(mine).catch(() => undefined);
    }
  }
}

/**
 * Who holds the lock: a live pid; `stale` (its holder is dead, or it names none and is old); `foreign` (it names no
 * process and is recent); or `gone` (released meanwhile).
 */
async function lockHolder(lockPath: string): Promise<number | 'stale' | 'foreign' | 'gone'> {
  let text: string;
  let modifiedMs: number;
  try {
    [text, modifiedMs] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const pid = /^\d+$/.test(text) ? Number(text) : NaN;
  if (pid > 0) return isAlive(pid) ? pid : 'stale';
  // Not one of ours (ours always name a pid): left by something else; give up on it after a grace period.
  return Date.now() - modifiedMs > FOREIGN_LOCK_GRACE_MS ? 'stale' : 'foreign';
}

/**
 * Removes a lock judged stale, without removing a fresh one that replaced it meanwhile: the lock is first renamed to
 * a private name (atomic: exactly one breaker gets it), and if what was taken names a live process after all, it is
 * linked back.
 */
async function breakLock(lockPath: string): Promise<void> {
  const taken = `${lockPath}.broken.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, taken);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another taker broke it first
    throw error;
  }
  const text = await readFile(taken, 'utf8').catch(() => '');
  const pid = /^\d+$/.test(text) ? Number(text) : NaN;
  if (pid > 0 && isAlive(pid)) await link(taken, lockPath).catch(() => undefined);
  await unlink(taken).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
