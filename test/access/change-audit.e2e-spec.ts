/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into answer JSON */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartYaml } from '../fixtures/applications';
import { BACKENDS, startTestApp, type TestApp } from '../support/test-app';

const yamlOf = (name: string, tag: string) =>
  quickstartYaml.replace('name: quickstart', `name: ${name}`).replace(':1.0.0', `:${tag}`);

/**
 * The audit record of an application PUT is written in the PUT's own transaction (one commit, not two): what a client
 * must still see is one record per request, with the status it was answered, readable as soon as the answer arrives,
 * whether the change was stored, refused by the handler, or lost when its transaction failed to commit.
 */
describe.each(BACKENDS)('the audit record of a PUT ($name)', ({ name, skip }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp(name);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const put = (app: string, tag: string, headers: Record<string, string> = {}) =>
    request(t.server)
      .put(`/v1/environments/local/applications/${app}`)
      .set('Content-Type', 'application/yaml')
      .set(headers)
      .send(yamlOf(app, tag));
  const auditOf = async (app: string) => {
    const answer = await request(t.server).get(`/v1/audit?environment=local&application=${app}`).expect(200);
    return (answer.body.items as any[]).map((r) => ({ resource: r.resource, verb: r.verb, status: r.status }));
  };
  const record = (app: string, status: number) => ({
    resource: `PUT /v1/environments/local/applications/${app}`,
    verb: 'applications:write',
    status,
  });

  it.skipIf(skip)('create, update and unchanged each leave one record, readable right after the answer', async () => {
    expect((await put('audited', '1.0.1')).status).toBe(201);
    expect(await auditOf('audited')).toEqual([record('audited', 201)]);
    expect((await put('audited', '1.0.2')).status).toBe(200);
    expect(await auditOf('audited')).toEqual([record('audited', 200), record('audited', 201)]);
    // Unchanged: no transaction writes anything, the record is written on its own.
    const unchanged = await put('audited', '1.0.2');
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.unchanged).toBe(true);
    expect(await auditOf('audited')).toEqual([record('audited', 200), record('audited', 200), record('audited', 201)]);
  });

  it.skipIf(skip)('a PUT the handler refuses is audited with its refusal, and nothing is stored', async () => {
    const refused = await put('preconditioned', '1.0.1', { 'If-Match': '"7"' });
    expect(refused.status, refused.text).toBe(412);
    expect(await auditOf('preconditioned')).toEqual([record('preconditioned', 412)]);
    await request(t.server).get('/v1/environments/local/applications/preconditioned').expect(404);
  });

  it.skipIf(skip || name !== 'postgres')(
    'a PUT whose transaction fails at commit leaves its failure on record, not the change it did not make',
    async () => {
      // A deferred constraint trigger fails the COMMIT of the transaction that holds the record of a successful create
      // of `doomed`: the change and its record roll back together, after the record was written inside it.
      await t.dataSource.query(
        `CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$`,
      );
      await t.dataSource.query(
        `CREATE CONSTRAINT TRIGGER doomed_commit AFTER INSERT ON audit_records DEFERRABLE INITIALLY DEFERRED
         FOR EACH ROW WHEN (NEW.application = 'doomed' AND NEW.status = 201) EXECUTE FUNCTION refuse_commit()`,
      );
      const failed = await put('doomed', '1.0.1');
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(await auditOf('doomed')).toEqual([record('doomed', failed.status)]);
      await request(t.server).get('/v1/environments/local/applications/doomed').expect(404);
    },
  );
});
