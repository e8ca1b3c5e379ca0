/**
 * `PUT` of a 20-component application against the embedded SQLite database, over real HTTP:
 * `npx tsx bench/put-application.bench.ts`. Each PUT changes one property so it stores a new revision (no no-op).
 *
 * Measured twice, in alternating rounds (so that a change in the machine's load falls on both alike): with access
 * control as it ships (token lookup, role bindings, ability, audit record of the change) and without it — the same
 * service with its access guard and audit interceptor made pass-throughs in this process only (Berth has no setting
 * that turns access control off). Goal: auth on within 1 ms of auth off at p50.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../apps/broker/src';
import { AccessGuard } from '../apps/broker/src/access/access.guard';
import { AuditEntry } from '../apps/broker/src/access/audit-entry';
import { AuditInterceptor } from '../apps/broker/src/access/audit.interceptor';
import { Authenticator } from '../apps/broker/src/access/authenticator';
import { applicationWithComponents } from '../test/fixtures/applications';
import { readAdminToken } from '../test/support/admin-auth';

export interface PutBenchResult {
  name: string;
  components: number;
  runs: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  targetMs: number;
  pass: boolean;
  /** PUT p50 with access control off (guard and audit pass-throughs), same rounds, same machine. */
  authOffP50Ms: number;
  authOffP99Ms: number;
  /** p50 (auth on) − p50 (auth off); goal: at most 1 ms. */
  authCostMs: number;
  /** PUT p50 with the guard on but the audit record of the change not written: splits the cost in two. */
  noAuditP50Ms: number;
  /**
   * The guard's authentication alone (token hash lookup, role bindings, ability), called directly in the same
   * service on the same database: p50.
   */
  authP50Ms: number;
  /** Inside the auth-on PUTs: the access guard's whole work per request (p50), and the audit record's write (p50). */
  guardInPutP50Ms: number;
  auditInPutP50Ms: number;
}

const AUTH_GOAL_MS = 1;

type Mode = 'on' | 'no-audit' | 'off';

/** Times every call of an async method into `into` until the returned call. */
function timed<T extends object, K extends keyof T>(prototype: T, method: K, into: number[]): () => void {
  const original = prototype[method] as (...args: unknown[]) => Promise<unknown>;
  prototype[method] = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      into.push(performance.now() - started);
    }
  } as T[K];
  return () => {
    prototype[method] = original as T[K];
  };
}

/**
 * Replaces the audit interceptor (and for `off` the access guard) by pass-throughs until the returned call; for `on`,
 * times the guard and the audit record's writes (in the PUT's transaction, or on their own) into `costs`.
 */
function accessControl(mode: Mode, costs: { guard: number[]; audit: number[] }): () => void {
  const guard = AccessGuard.prototype.canActivate;
  const intercept = AuditInterceptor.prototype.intercept;
  const untimed: Array<() => void> = [];
  if (mode === 'on') {
    untimed.push(timed(AccessGuard.prototype, 'canActivate', costs.guard));
    untimed.push(timed(AuditEntry.prototype, 'writeIn', costs.audit));
    untimed.push(timed(AuditEntry.prototype, 'settle', costs.audit));
  }
  if (mode === 'off') AccessGuard.prototype.canActivate = () => Promise.resolve(true);
  if (mode !== 'on') AuditInterceptor.prototype.intercept = (_context, next) => next.handle();
  return () => {
    for (const undo of untimed.reverse()) undo();
    AccessGuard.prototype.canActivate = guard;
    AuditInterceptor.prototype.intercept = intercept;
  };
}

const TARGET_P50_MS = 15;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

interface RoundResult {
  samples: number[];
  authSamples: number[];
  guardSamples: number[];
  auditSamples: number[];
}

/** One service, `runs` timed PUTs after `warmup` untimed ones; with auth on, also the authenticator alone. */
async function round(components: number, runs: number, warmup: number, mode: Mode): Promise<RoundResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-put-'));
  const costs = { guard: [] as number[], audit: [] as number[] };
  const restore = accessControl(mode, costs);
  // The API role: a PUT validates, stores the revision and queues its apply; no worker provisions anything here.
  // The generated application holds an rds mysql, which `local` accepts only with a MySQL server configured.
  const app = await createApp({
    env: { BERTH_LOCAL_MYSQL_URL: 'mysql://bench@127.0.0.1:3306/bench' },
    config: { dataDir, logLevel: 'silent', role: 'api' },
  });
  try {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/v1/environments/local/applications/bench`;
    // Sent in both modes, so the requests are byte for byte the same.
    const authorization = { Authorization: `Bearer ${readAdminToken(dataDir)}` };
    const document = applicationWithComponents(components, 'bench');
    const web = (
      document.spec as { components: Array<{ type: string; properties: Record<string, unknown> }> }
    ).components.find((c) => c.type === 'webservice')!;

    const samples: number[] = [];
    const guardSamples: number[] = [];
    const auditSamples: number[] = [];
    const sum = (list: number[]) => list.reduce((total, x) => total + x, 0);
    for (let i = 0; i < warmup + runs; i++) {
      const [guardCalls, auditCalls] = [costs.guard.length, costs.audit.length];
      web.properties.replicas = (i % 50) + 1;
      web.properties.image = `registry.example.com/app/web:${i}`;
      const body = JSON.stringify(document);
      const started = performance.now();
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...authorization },
        body,
      });
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 200 && response.status !== 201) {
        throw new Error(`PUT answered ${response.status}`);
      }
      if (i >= warmup) {
        samples.push(elapsed);
        if (mode === 'on') {
          guardSamples.push(sum(costs.guard.slice(guardCalls)));
          auditSamples.push(sum(costs.audit.slice(auditCalls)));
        }
      }
    }
    const authSamples: number[] = [];
    if (mode === 'on') {
      const authenticator = app.get(Authenticator);
      for (let i = 0; i < warmup + runs; i++) {
        const started = performance.now();
        const outcome = await authenticator.authenticate(authorization.Authorization);
        const elapsed = performance.now() - started;
        if (!('identity' in outcome)) throw new Error(`the admin token was refused: ${outcome.refused}`);
        if (i >= warmup) authSamples.push(elapsed);
      }
    }
    return { samples, authSamples, guardSamples, auditSamples };
  } finally {
    await app.close();
    restore();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(
  options: { components?: number; runs?: number; warmup?: number; rounds?: number } = {},
): Promise<PutBenchResult> {
  const components = options.components ?? 20;
  const runs = options.runs ?? 300;
  const warmup = options.warmup ?? 20;
  const rounds = options.rounds ?? 3;
  const samples: Record<Mode, number[]> = { on: [], 'no-audit': [], off: [] };
  const authSamples: number[] = [];
  const guardSamples: number[] = [];
  const auditSamples: number[] = [];
  const order: Mode[] = ['on', 'off', 'no-audit'];
  for (let r = 0; r < rounds; r++) {
    // Rotate which mode goes first, so none always runs on a warmer (or busier) machine.
    for (const mode of [...order.slice(r % 3), ...order.slice(0, r % 3)]) {
      const result = await round(components, Math.ceil(runs / rounds), warmup, mode);
      samples[mode].push(...result.samples);
      authSamples.push(...result.authSamples);
      guardSamples.push(...result.guardSamples);
      auditSamples.push(...result.auditSamples);
    }
  }
  const { on, off } = samples;
  for (const list of [on, off, samples['no-audit'], authSamples, guardSamples, auditSamples])
    list.sort((a, b) => a - b);
  const p50Ms = percentile(on, 50);
  const authOffP50Ms = percentile(off, 50);
  return {
    name: `PUT ${components}-component application (SQLite, HTTP)`,
    components,
    runs: on.length,
    p50Ms,
    p99Ms: percentile(on, 99),
    meanMs: on.reduce((sum, s) => sum + s, 0) / on.length,
    targetMs: TARGET_P50_MS,
    pass: p50Ms < TARGET_P50_MS && p50Ms - authOffP50Ms <= AUTH_GOAL_MS,
    authOffP50Ms,
    authOffP99Ms: percentile(off, 99),
    authCostMs: p50Ms - authOffP50Ms,
    noAuditP50Ms: percentile(samples['no-audit'], 50),
    authP50Ms: percentile(authSamples, 50),
    guardInPutP50Ms: percentile(guardSamples, 50),
    auditInPutP50Ms: percentile(auditSamples, 50),
  };
}

if (require.main === module) {
  run()
    .then((result) => {
      console.log(
        `${result.name}: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, mean ${result.meanMs.toFixed(2)} ms ` +
          `over ${result.runs} runs (target p50 < ${result.targetMs} ms) ${result.pass ? 'PASS' : 'FAIL'}`,
      );
      console.log(
        `auth on: PUT p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; ` +
          `auth off: PUT p50 ${result.authOffP50Ms.toFixed(2)} ms, p99 ${result.authOffP99Ms.toFixed(2)} ms; ` +
          `difference at p50 ${result.authCostMs.toFixed(2)} ms (goal <= ${AUTH_GOAL_MS} ms) ` +
          `${result.authCostMs <= AUTH_GOAL_MS ? 'PASS' : 'FAIL'}`,
      );
      console.log(
        `guard on, audit record not written: PUT p50 ${result.noAuditP50Ms.toFixed(2)} ms; ` +
          `authentication alone (token lookup, role bindings, ability): p50 ${result.authP50Ms.toFixed(3)} ms`,
      );
      console.log(
        `inside the auth-on PUTs: access guard p50 ${result.guardInPutP50Ms.toFixed(3)} ms, ` +
          `audit record p50 ${result.auditInPutP50Ms.toFixed(3)} ms (written in the PUT's transaction)`,
      );
      console.log(
        `load average: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} on ${availableParallelism()} cores`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
