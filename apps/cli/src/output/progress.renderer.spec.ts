import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Application } from '../client/api.types';
import { ProgressModel } from '../wait/progress.model';
import { palette } from './colors';
import { PlainProgressRenderer, TtyProgressRenderer } from './progress.renderer';

const app = (phase: string, dbPhase: string): Application => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'shop' },
  spec: { components: [] },
  status: { phase, components: [{ name: 'db', type: 'rds', phase: dbPhase }] },
});

describe('progress renderers', () => {
  it('redraws the block in place on a terminal (log-update erases the previous frame)', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 30 });
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const model = new ProgressModel('apply', 0);
    const renderer = await TtyProgressRenderer.create(
      model,
      'apply shop',
      palette(false),
      stream as unknown as NodeJS.WriteStream,
    );
    renderer.changed(model.update({ app: app('Provisioning', 'Provisioning') }, 1000), 1000);
    renderer.tick(2000);
    renderer.changed(model.update({ app: app('Ready', 'Ready') }, 5000), 5000);
    renderer.finish(5000);
    expect(written).toContain('⠙ db  rds  Provisioning 1s');
    expect(written).toContain('\u001b[2K'); // erase line: the earlier frame is replaced, not appended
    expect(written).toContain('✓ db  rds  Ready        5s');
  });

  it('prints only changes, one plain line each, elsewhere', () => {
    let written = '';
    const model = new ProgressModel('apply', 0);
    const renderer = new PlainProgressRenderer('shop', (text) => (written += text));
    renderer.changed(model.update({ app: app('Provisioning', 'Provisioning') }, 1000));
    renderer.tick();
    renderer.changed(model.update({ app: app('Provisioning', 'Provisioning') }, 2000));
    renderer.changed(model.update({ app: app('Ready', 'Ready') }, 3000));
    expect(written).toBe('[1s] db: Provisioning\n[1s] shop: Provisioning\n[3s] db: Ready\n[3s] shop: Ready\n');
  });
});
