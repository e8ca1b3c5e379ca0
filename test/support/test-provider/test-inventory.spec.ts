import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import { TestInventory } from './test-inventory';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-inventory-lock-'));
  path = join(dir, 'inventory.json');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  const ended = spawnSync(process.execPath, ['-e', '']);
  expect(ended.pid).toBeGreaterThan(0);
  return ended.pid!;
}

describe('TestInventory lock', () => {
  it('breaks at once a lock whose holder is dead', async () => {
    writeFileSync(`${path}.lock`, String(deadPid()));
    // A lock taken for a live holder would fail this update with Conflict after the timeout.
    const inventory = new TestInventory(path, { lockTimeoutMs: 20_000 });
    await inventory.update((data) => void (data.failures.x = 1));
    expect((await inventory.read()).failures).toEqual({ x: 1 });
  });

  it('waits for a live holder, then fails with Conflict naming it', async () => {
    writeFileSync(`${path}.lock`, String(process.pid));
    const error = await new TestInventory(path, { lockTimeoutMs: 200 }).update(() => undefined).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe(ProviderErrorCode.Conflict);
    expect((error as ProviderError).message).toContain(`by process ${process.pid}`);
  });

  it('never leaves a lock that outlives a process SIGKILLed at a random instant of its updates', async () => {
    const child = resolve(__dirname, 'inventory-writer.child.ts');
    // A lock left behind that is not recognised as its dead holder's would fail an update with Conflict.
    const inventory = new TestInventory(path, { lockTimeoutMs: 20_000 });
    let mine = 0;
    for (let kill = 0; kill < 12; kill++) {
      const writer = spawn(process.execPath, ['--import', 'tsx', child, path], {
        cwd: resolve(__dirname, '../../..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<string | number | null>((done) =>
        writer.once('exit', (code, signal) => done(signal ?? code)),
      );
      let err = '';
      writer.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      await new Promise<void>((ready, fail) => {
        writer.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('looping') && ready());
        void exited.then((code) => fail(new Error(`writer ended with ${code} before looping: ${err}`)));
      });
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      writer.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // The killed writer held the lock, or not; either way the next update goes through at once and reads whole data.
      await inventory.update((data) => void (data.failures.mine = ++mine));
      const data = JSON.parse(readFileSync(path, 'utf8'));
      expect(data.failures.mine).toBe(mine);
      expect(data.failures.loop).toBeGreaterThanOrEqual(kill + 1);
    }
  }, 300_000);
});
