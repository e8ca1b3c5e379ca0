import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalState, ResourceRecord } from './local-state';
import { RecordStateStore } from './record-state.store';

const record = (id: string, data: Record<string, unknown> = {}): ResourceRecord => ({
  id,
  type: 'vpc',
  idempotencyKey: id,
  environment: 'dev',
  application: 'app',
  component: id,
  outputs: {},
  data,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('record state store (one file per resource)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-record-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('splits an old state.json into one file per resource once, keeping the services', async () => {
    const old: LocalState = {
      version: 1,
      resources: { 'vpc-a': record('vpc-a', { cidr: '10.0.0.0/22' }), 'vpc-b': record('vpc-b') },
      services: { s3: { port: 4567 } },
    };
    await writeFile(join(dir, 'state.json'), JSON.stringify(old));
    const store = new RecordStateStore(dir);
    const state = await store.read();
    expect(Object.keys(state.resources).sort()).toEqual(['vpc-a', 'vpc-b']);
    expect(state.resources['vpc-a'].data).toEqual({ cidr: '10.0.0.0/22' });
    expect(state.services).toEqual({ s3: { port: 4567 } });
    expect((await readdir(join(dir, 'resources'))).sort()).toEqual(['vpc-a.json', 'vpc-b.json']);
    expect(await readdir(dir)).toContain('state.json.migrated');
    expect(await readdir(dir)).not.toContain('state.json');
    // A second process start reads the files, not the old document.
    expect(Object.keys((await new RecordStateStore(dir).read()).resources).sort()).toEqual(['vpc-a', 'vpc-b']);
  });

  it('rewrites only the record an update changed, and nothing when the update throws', async () => {
    const store = new RecordStateStore(dir);
    await store.update((draft) => {
      for (let i = 0; i < 20; i++) draft.resources[`vpc-${i}`] = record(`vpc-${i}`, { n: i });
    });
    const before = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stat(join(dir, 'resources', `vpc-${i}.json`))),
    );
    await new Promise((r) => setTimeout(r, 20));
    await store.update((draft) => {
      // Reading every record (as an index build does) writes none of them.
      expect(Object.values(draft.resources)).toHaveLength(20);
      draft.resources['vpc-3'].data.n = 33;
      delete draft.resources['vpc-4'];
    });
    const files = await readdir(join(dir, 'resources'));
    expect(files).toHaveLength(19);
    for (let i = 0; i < 20; i++) {
      if (i === 4) continue;
      const now = await stat(join(dir, 'resources', `vpc-${i}.json`));
      expect(now.mtimeMs === before[i].mtimeMs, `vpc-${i}`).toBe(i !== 3);
    }
    expect(JSON.parse(await readFile(join(dir, 'resources', 'vpc-3.json'), 'utf8')).data).toEqual({ n: 33 });

    await expect(
      store.update((draft) => {
        draft.resources['vpc-5'].data.n = 55;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const reread = await new RecordStateStore(dir).read();
    expect(reread.resources['vpc-5'].data).toEqual({ n: 5 });
    expect((await store.read()).resources['vpc-5'].data).toEqual({ n: 5 });
    // What a reader changes stays with the reader.
    (await store.read()).resources['vpc-6'].data.n = 66;
    expect((await store.read()).resources['vpc-6'].data).toEqual({ n: 6 });
  });
});
