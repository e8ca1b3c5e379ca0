import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';
import { PERMISSION_METADATA, PUBLIC_METADATA } from '../../apps/broker/src/access/permission.decorator';
import { ALL_PERMISSIONS } from '../../apps/broker/src/access/permissions';

/**
 * Every route the service has — Nest's own route table (every controller method with a path), not a list kept by
 * hand — declares a permission or is public, and the OpenAPI document says which.
 */
describe('the route table', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  function routes(): Array<{ route: string; permission?: string; public: boolean }> {
    const found: Array<{ route: string; permission?: string; public: boolean }> = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new () => object) | undefined;
        if (!controller?.prototype) continue;
        const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
        for (const key of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[key];
          if (key === 'constructor' || typeof handler !== 'function') continue;
          const path: unknown = Reflect.getMetadata(PATH_METADATA, handler);
          if (path === undefined) continue;
          const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
          const access = Reflect.getMetadata(PERMISSION_METADATA, handler) as { permission: string } | undefined;
          found.push({
            route: `${String(method)} /${base}/${String(path)}`.replace(/\/+/g, '/'),
            permission: access?.permission,
            public: Reflect.getMetadata(PUBLIC_METADATA, handler) !== undefined,
          });
        }
      }
    }
    return found;
  }

  it('has a declared permission (one Berth knows) on every route, or marks it public', () => {
    const all = routes();
    expect(all.length).toBeGreaterThanOrEqual(25);
    expect(all.filter((r) => !r.permission && !r.public).map((r) => r.route)).toEqual([]);
    for (const r of all) if (r.permission) expect(ALL_PERMISSIONS).toContain(r.permission);
    // Only health, readiness and (by default) metrics are open.
    expect(
      all
        .filter((r) => r.public && !r.permission)
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /healthz', '0 /readyz']);
  });

  it('shows the permission of every operation in the OpenAPI document, with the bearer scheme', async () => {
    const document = (await request(t.server).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Record<string, unknown> & { responses: Record<string, unknown> }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    expect(document.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
    for (const [path, item] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (operation['x-berth-public']) continue;
        expect(operation['x-berth-permission'], where).toEqual(expect.any(String));
        expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['401', '403', '429']));
      }
  });
});
