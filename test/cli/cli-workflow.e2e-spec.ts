import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMultiEnvApp } from '../multi-env/support/multi-env-app';
import type { TestApp } from '../support/test-app';
import { runCliIn, startCli } from './support/in-process-cli';

/** dev, then prod after an approval. */
const SHOP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: web
      type: webservice
      properties:
        image: shop:1
  policies:
    - { name: dev, type: topology, properties: { clusters: [dev] } }
    - { name: prod, type: topology, properties: { clusters: [prod] } }
  workflow:
    steps:
      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }
      - { name: deploy-prod, type: deploy, properties: { policies: [prod], auto: false } }
`;

/**
 * `berth apply --wait` on an Application with a workflow follows the run: each step and its environments as they
 * move, a hint when a step waits for approval, exit 0 only when the workflow succeeded, non-zero when it failed or
 * `--timeout` ran out. The CLI runs in this process against a broker with dev, staging and prod (SQLite).
 */
describe('berth apply --wait follows the workflow', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-workflow-'));
  const file = (name: string, text: string) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const home = (name: string) => `/v1/environments/local/applications/${name}`;

  beforeAll(async () => {
    t = await startMultiEnvApp('sqlite');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'prints each step and environment, says how to approve, and ends 0 once the workflow succeeded',
    { timeout: 600_000 },
    async () => {
      const run = await startCli(t.server, ['apply', '-f', file('shop', SHOP), '--wait', '--timeout', '5m']);
      // Waits for the approval: the CLI says so and how to give it.
      const deadline = Date.now() + 240_000;
      while (!run.out().includes('waiting for approval')) {
        if (Date.now() > deadline) throw new Error(`no approval hint in:\n${run.out()}\n${run.err()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(run.out()).toMatch(/\] step deploy-dev: succeeded \[dev: succeeded\]$/m);
      expect(run.out()).toMatch(
        /\] step deploy-prod: suspending \(WaitingForApproval\) \[prod: pending\] — waiting for approval: berth resume shop --env local$/m,
      );
      expect(run.out()).toMatch(/\] workflow: suspending$/m);
      const resumed = await runCliIn(t.server, ['resume', 'shop', '--env', 'local']);
      expect(resumed.code, resumed.err).toBe(0);

      const code = await run.done;
      expect(code, run.err()).toBe(0);
      expect(run.out()).toMatch(/\] step deploy-prod: succeeded \[prod: succeeded\]$/m);
      expect(run.out()).toMatch(/\] workflow: succeeded$/m);
      expect(run.out()).toMatch(/^✓ shop is Ready in local, its workflow succeeded \(/m);
      // The order the user saw: dev done before prod waited, prod waited before it was delivered.
      const out = run.out();
      expect(out.indexOf('step deploy-dev: succeeded')).toBeLessThan(out.indexOf('step deploy-prod: suspending'));
      expect(out.indexOf('step deploy-prod: suspending')).toBeLessThan(out.indexOf('step deploy-prod: succeeded'));
      expect(
        (await request(t.server).get('/v1/environments/prod/applications/shop').expect(200)).body.status.phase,
      ).toBe('Ready');
    },
  );

  it('ends non-zero when a step fails, naming the step and why', { timeout: 600_000 }, async () => {
    // A port nothing listens on: the webhook cannot be reached (the URL is not printed).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const yaml = SHOP.replace('name: shop', 'name: hooked').replace(
      '      - { name: deploy-prod, type: deploy, properties: { policies: [prod], auto: false } }\n',
      `      - { name: hook, type: webhook, properties: { url: { value: "http://127.0.0.1:${port}/secret-path" } } }\n`,
    );
    const result = await runCliIn(t.server, ['apply', '-f', file('hooked', yaml), '--wait', '--timeout', '5m']);
    expect(result.code, result.out).toBe(1);
    expect(result.err).toContain('the workflow of hooked failed');
    expect(result.err).toMatch(
      /step hook \(notification\): failed \(Failed\) — the webhook could not be reached: ECONNREFUSED/,
    );
    expect(result.out).toMatch(/\] step deploy-dev: succeeded \[dev: succeeded\]$/m);
    expect(`${result.out}${result.err}`).not.toContain('secret-path');
  });

  it(
    'ends non-zero when --timeout runs out while a step waits, saying what it waits for',
    { timeout: 600_000 },
    async () => {
      const yaml = SHOP.replace('name: shop', 'name: waiting').replace(
        '      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }\n',
        '      - { name: hold, type: suspend }\n      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }\n',
      );
      const result = await runCliIn(t.server, ['apply', '-f', file('waiting', yaml), '--wait', '--timeout', '3s']);
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        'timed out after 3s waiting for waiting to become Ready and its workflow to succeed',
      );
      expect(result.err).toContain(
        'step hold (suspend): suspending (WaitingForResume); berth resume waiting --env local continues it',
      );
      // Terminated instead of resumed: a further wait ends non-zero at once.
      const terminated = await runCliIn(t.server, ['terminate', 'waiting', '--env', 'local']);
      expect(terminated.code, terminated.err).toBe(0);
      const again = await runCliIn(t.server, ['apply', '-f', file('waiting', yaml), '--wait', '--timeout', '5m']);
      expect(again.code).toBe(1);
      expect(again.err).toContain('the workflow of waiting was terminated');
      expect((await request(t.server).get(home('waiting')).expect(200)).body.status.workflow.phase).toBe('terminated');
    },
  );
});
