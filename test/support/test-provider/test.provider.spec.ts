import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ProviderError,
  ProviderErrorCode,
  SILENT_LOG,
  type CloudComponentType,
  type JsonObject,
  type OperationLog,
  type ResourceRequest,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { TestInventory } from './test-inventory';
import { EXIT_AT_ENV, INVENTORY_ENV, type ExitPoint } from './test-provider-settings';
import { TestResourceProvider } from './test.provider';

let dir: string;
let inventoryPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-test-provider-'));
  inventoryPath = join(dir, 'inventory.json');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function request(
  component: string,
  type: CloudComponentType = 'oss',
  settings: JsonObject = {},
  extra: Partial<ResourceRequest> = {},
): ResourceRequest {
  return {
    environment: 'dev',
    application: 'shop',
    component,
    type,
    profile: { kind: 'test', settings: { inventoryPath, ...settings } },
    properties: {},
    secretProperties: {},
    dependencies: {},
    externalIds: {},
    idempotencyKey: `dev/shop/${component}`,
    signal: new AbortController().signal,
    ...extra,
  };
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

describe('TestResourceProvider', () => {
  const provider = new TestResourceProvider({ env: {} });

  it('creates one resource per idempotency key however often it is applied, and destroys idempotently', async () => {
    const first = await provider.apply(request('media'), SILENT_LOG);
    const again = await provider.apply(request('media'), SILENT_LOG);
    await provider.apply(request('db', 'rds'), SILENT_LOG);
    expect(again).toEqual(first);
    const inventory = new TestInventory(inventoryPath);
    const resources = await inventory.resources();
    expect(resources.map((r) => [r.component, r.applies]).sort()).toEqual([
      ['db', 1],
      ['media', 2],
    ]);
    await provider.destroy(request('media'), SILENT_LOG);
    await provider.destroy(request('media'), SILENT_LOG);
    expect((await inventory.resources()).map((r) => r.component)).toEqual(['db']);
  });

  it.each(['rds', 'oss', 'slb', 'vpc'] as const)(
    'publishes the %s connection keys, sensitive ones only as secret outputs, as obvious test values',
    async (type) => {
      const properties = type === 'rds' ? { engine: 'postgresql', publicConnection: true } : {};
      const result = await provider.apply(
        request(
          `c-${type}`,
          type,
          {},
          { properties, secretProperties: type === 'rds' ? { password: 'Given-Pw-123' } : {} },
        ),
        SILENT_LOG,
      );
      const specs = BUILTIN_TYPES.connectionKeys(type);
      expect(Object.keys(result.outputs).sort()).toEqual(
        specs
          .filter((s) => !s.sensitive)
          .map((s) => s.name)
          .sort(),
      );
      expect(Object.keys(result.secretOutputs).sort()).toEqual(
        specs
          .filter((s) => s.sensitive)
          .map((s) => s.name)
          .sort(),
      );
      // Every id, host, address and generated credential says it is a test value (ports, names and CIDRs are plain).
      const plain = new Set(['DB_PORT', 'DB_USER', 'DATABASE_NAME', 'DB_NAME', 'VPC_CIDR', 'DB_PASSWORD', 'DB_URL']);
      for (const [key, value] of Object.entries({ ...result.outputs, ...result.secretOutputs })) {
        if (!plain.has(key)) expect(value, key).toMatch(/test|^192\.0\.2\.\d+$/i);
      }
      if (type === 'rds') {
        expect(result.outputs.DB_PORT).toBe('5432');
        expect(result.secretOutputs.DB_PASSWORD).toBe('Given-Pw-123');
        expect(result.secretOutputs.DB_URL).toBe(`postgresql://app:Given-Pw-123@${result.outputs.DB_HOST}:5432/c_rds`);
      }
      // The inventory never holds a secret value.
      expect(readFileSync(inventoryPath, 'utf8')).not.toContain(Object.values(result.secretOutputs)[0]);
    },
  );

  it('fails failTimes times with a retryable error, counting across provider instances, then succeeds', async () => {
    const settings = { components: { media: { failTimes: 2 } } };
    const first = await providerError(provider.apply(request('media', 'oss', settings), SILENT_LOG));
    expect(first.code).toBe(ProviderErrorCode.Transient);
    expect(first.retryable).toBe(true);
    const second = await providerError(
      new TestResourceProvider({ env: {} }).apply(request('media', 'oss', settings), SILENT_LOG),
    );
    expect(second.message).toContain('2 of 2');
    await expect(provider.apply(request('media', 'oss', settings), SILENT_LOG)).resolves.toBeDefined();
    expect(await new TestInventory(inventoryPath).resources()).toHaveLength(1);
  });

  it('fails permanently with a non-retryable error, only for the chosen actions', async () => {
    const settings = {
      components: {
        '*': { failPermanently: 'quota exhausted in test-region-1', failCode: 'QuotaExceeded', actions: ['destroy'] },
      },
    };
    await provider.apply(request('media', 'oss', settings), SILENT_LOG);
    const error = await providerError(provider.destroy(request('media', 'oss', settings), SILENT_LOG));
    expect(error).toMatchObject({ code: 'QuotaExceeded', message: 'quota exhausted in test-region-1' });
    expect(error.retryable).toBe(false);
  });

  it('hangs until the signal aborts, and cuts a delay short on abort', async () => {
    const controller = new AbortController();
    const hanging = provider.apply(
      request('db', 'rds', { components: { db: { hang: true } } }, { signal: controller.signal }),
      SILENT_LOG,
    );
    const outcome = await Promise.race([
      hanging.then(
        () => 'settled',
        () => 'settled',
      ),
      new Promise((r) => setTimeout(() => r('still hanging'), 100)),
    ]);
    expect(outcome).toBe('still hanging');
    controller.abort(new ProviderError(ProviderErrorCode.Timeout, 'deadline'));
    expect(await providerError(hanging)).toMatchObject({ code: 'Timeout', message: 'deadline' });
    expect(await new TestInventory(inventoryPath).resources()).toEqual([]);

    // A delay far beyond the test's timeout: only the abort can end it.
    const slow = new AbortController();
    const delayed = provider.apply(
      request('db', 'rds', { components: { db: { delayMs: 3_600_000 } } }, { signal: slow.signal }),
      SILENT_LOG,
    );
    setTimeout(() => slow.abort(), 30);
    expect((await providerError(delayed)).code).toBe('Timeout');
  });

  it('takes at least delayMs', async () => {
    const t0 = performance.now();
    await provider.apply(request('media', 'oss', { components: { media: { delayMs: 120 } } }), SILENT_LOG);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('reports a destroyed-behind-its-back resource and configured drift on refresh', async () => {
    await provider.apply(request('media'), SILENT_LOG);
    expect(await provider.refresh(request('media'))).toEqual({ drifted: false, exists: true, differences: [] });
    expect((await provider.refresh(request('media', 'oss', { components: { media: { drift: true } } }))).drifted).toBe(
      true,
    );
    expect(await provider.refresh(request('gone'))).toMatchObject({ drifted: true, exists: false });
    expect((await provider.preview(request('media'))).changes[0]!.action).toBe('same');
    expect((await provider.preview(request('gone'))).changes[0]!.action).toBe('create');
  });

  it('ends the process at an exit point once: before the change, or after it is recorded', async () => {
    const exits: Array<{ point: ExitPoint; resources: string[] }> = [];
    const inventory = new TestInventory(inventoryPath);
    const exiting = new TestResourceProvider({
      env: {},
      exit: (point) => {
        // Synchronously observe the file at the moment the process would end.
        const data = JSON.parse(readFileSync(inventoryPath, 'utf8')) as {
          resources: Record<string, { component: string }>;
        };
        exits.push({ point, resources: Object.values(data.resources).map((r) => r.component) });
        throw new Error('process ended');
      },
    });
    const before = { exitAt: { component: 'db', when: 'before', action: 'apply' } };
    await expect(exiting.apply(request('db', 'rds', before), SILENT_LOG)).rejects.toThrow('process ended');
    expect(exits.at(-1)!.resources).toEqual([]);
    await exiting.apply(request('db', 'rds', before), SILENT_LOG); // fired once already: the restarted process goes on
    expect((await inventory.resources()).map((r) => r.component)).toEqual(['db']);

    const after = { exitAt: { component: '*', when: 'after', action: 'destroy' } };
    await expect(exiting.destroy(request('db', 'rds', after), SILENT_LOG)).rejects.toThrow('process ended');
    expect(exits.at(-1)!.resources).toEqual([]);
    expect(exits).toHaveLength(2);
  });

  it('takes an exit point from the environment, at the n-th matching call', async () => {
    let ended: ExitPoint | undefined;
    const exiting = new TestResourceProvider({
      env: { [EXIT_AT_ENV]: '*:after:apply:3' },
      exit: (point) => {
        ended = point;
      },
    });
    await exiting.apply(request('a'), SILENT_LOG);
    await exiting.apply(request('b'), SILENT_LOG);
    expect(ended).toBeUndefined();
    await exiting.apply(request('c'), SILENT_LOG);
    expect(ended).toEqual({ component: '*', when: 'after', action: 'apply', nth: 3 });
  });

  it('keeps the inventory whole under concurrent applies from several provider instances', async () => {
    const providers = [new TestResourceProvider({ env: {} }), new TestResourceProvider({ env: {} })];
    const names = Array.from({ length: 30 }, (_, i) => `c${i}`);
    await Promise.all(names.map((name, i) => providers[i % 2]!.apply(request(name), SILENT_LOG)));
    expect((await new TestInventory(inventoryPath).resources()).map((r) => r.component).sort()).toEqual(
      [...names].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual(['inventory.json']);
  });

  it('logs what it did without secret values', async () => {
    const lines: string[] = [];
    const log: OperationLog = { log: (_level, message, fields) => lines.push(message + JSON.stringify(fields ?? {})) };
    const result = await provider.apply(request('db', 'rds'), log);
    expect(lines.join('\n')).toContain('created rds db');
    expect(lines.join('\n')).not.toContain(result.secretOutputs.DB_PASSWORD);
  });

  it('validates its settings with JSON pointers and reports when it has no inventory', async () => {
    expect(
      provider
        .validateProfile({
          kind: 'test',
          settings: {
            components: { db: { failTimes: -1, hang: 'yes', actions: ['explode'] } },
            exitAt: { component: 'db', when: 'during', action: 'apply' },
            colour: 1,
          },
        })
        .map((p) => p.path),
    ).toEqual(['/colour', '/components/db/failTimes', '/components/db/hang', '/components/db/actions', '/exitAt/when']);
    expect(
      provider.validateProfile({ kind: 'test', settings: { inventoryPath, components: { '*': { delayMs: 10 } } } }),
    ).toEqual([]);
    expect((await provider.availability({ kind: 'test', settings: {} })).available).toBe(false);
    expect(
      (
        await new TestResourceProvider({ env: { [INVENTORY_ENV]: inventoryPath } }).availability({
          kind: 'test',
          settings: {},
        })
      ).available,
    ).toBe(true);
  });
});

describe('TestResourceProvider in a real process killed at an exit point', () => {
  const child = resolve(__dirname, 'exit-at.child.ts');
  const run = (args: string[], exitAt?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', child, ...args], {
      cwd: resolve(__dirname, '../../..'),
      env: {
        ...process.env,
        [INVENTORY_ENV]: inventoryPath,
        ...(exitAt ? { [EXIT_AT_ENV]: exitAt } : { [EXIT_AT_ENV]: '' }),
      },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('dies by SIGKILL after recording b, leaves a valid inventory, and a rerun converges to exactly one resource each', () => {
    const crashed = run(['apply', 'a', 'b', 'c'], 'b:after:apply');
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stdout.trim().split('\n')).toEqual(['apply:a']);
    const afterCrash = JSON.parse(readFileSync(inventoryPath, 'utf8')) as {
      resources: Record<string, { component: string }>;
    };
    expect(
      Object.values(afterCrash.resources)
        .map((r) => r.component)
        .sort(),
    ).toEqual(['a', 'b']);

    const rerun = run(['apply', 'a', 'b', 'c'], 'b:after:apply');
    expect(rerun.status).toBe(0);
    const converged = JSON.parse(readFileSync(inventoryPath, 'utf8')) as {
      resources: Record<string, { component: string }>;
    };
    expect(
      Object.values(converged.resources)
        .map((r) => r.component)
        .sort(),
    ).toEqual(['a', 'b', 'c']);

    const destroyed = run(['destroy', 'a', 'b', 'c'], '*:before:destroy:2');
    expect(destroyed.signal).toBe('SIGKILL');
    expect(run(['destroy', 'a', 'b', 'c']).status).toBe(0);
    expect(JSON.parse(readFileSync(inventoryPath, 'utf8')).resources).toEqual({});
  });
});
