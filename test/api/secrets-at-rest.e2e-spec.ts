import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionAad } from '../../apps/broker/src/secrets/revision-secrets';
import { SecretKeyring } from '../../apps/broker/src/secrets/secret-keyring';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

const password = (label: string) => `Pw-${label}-${randomBytes(6).toString('hex')}`.slice(0, 32);
/** A value that is *not* secret, stored in plain text: proves that the file search below finds what is there. */
const VISIBLE = `visible-${randomBytes(8).toString('hex')}`;

/** The SQLite database file and its write-ahead log, as bytes, as an attacker with the disk would read them. */
function databaseBytes(dataDir: string): Buffer {
  const files = ['berth.sqlite', 'berth.sqlite-wal'].map((file) => join(dataDir, file)).filter(existsSync);
  return Buffer.concat(files.map((file) => readFileSync(file)));
}

const header = (name: string) => `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${name}
  annotations:
    note: ${VISIBLE}
spec:
  components:
`;

/** Spellings of a literal password that the text-level redaction used to miss, or that only a careful parser sees. */
const SPELLINGS: Array<{ name: string; contentType: string; password: string; body: (pw: string) => string }> = [
  {
    name: 'alias-type',
    contentType: 'application/yaml',
    password: password('alias-type'),
    body: (pw) => `${header('alias-type')}    - name: first
      type: &t rds
      properties: { engine: postgresql }
    - name: db
      type: *t
      properties:
        engine: postgresql
        password: ${pw}
`,
  },
  {
    name: 'alias-properties',
    contentType: 'application/yaml',
    password: password('alias-props'),
    body: (pw) => `${header('alias-properties')}    - name: first
      type: rds
      properties: &p
        engine: postgresql
        password: ${pw}
    - name: second
      type: rds
      properties: *p
`,
  },
  {
    name: 'anchored-password',
    contentType: 'application/yaml',
    password: password('anchored'),
    body: (pw) => `${header('anchored-password')}    - name: first
      type: rds
      properties: { engine: postgresql, password: &pw "${pw}" }
    - name: second
      type: alibaba-rds
      properties: { engine: postgresql, password: *pw }
`,
  },
  {
    name: 'in-a-comment',
    contentType: 'application/yaml',
    password: password('comment'),
    body: (pw) => `${header('in-a-comment')}    # the password is ${pw}, do not tell
    - name: db
      type: rds
      properties:
        engine: postgresql
        password: ${pw}
`,
  },
  {
    name: 'json-escapes',
    contentType: 'application/json',
    password: password('escapes'),
    body: (pw) =>
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'json-escapes', annotations: { note: VISIBLE } },
        spec: {
          components: [{ name: 'constructor', type: 'rds', properties: { engine: 'postgresql', password: pw } }],
        },
      })
        .replace('"password"', '"pass\\u0077ord"')
        .replace('"type":"rds"', '"type":"\\u0072ds"'),
  },
];

describe('no literal password reaches the database file in plain text, however the document spells it', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  const put = (name: string, contentType: string, body: string) =>
    request(t.server).put(`/v1/environments/local/applications/${name}`).set('Content-Type', contentType).send(body);

  it('refuses a repeated JSON key (a second password, a second spec) with a 422 naming the key and its path', async () => {
    const pw1 = password('dup-a');
    const pw2 = password('dup-b');
    const duplicatePassword = `{"apiVersion":"core.oam.dev/v1beta1","kind":"Application","metadata":{"name":"dup"},
"spec":{"components":[{"name":"db","type":"rds","properties":{"engine":"postgresql","password":"${pw1}","password":"${pw2}"}}]}}`;
    const first = expectProblem(await put('dup', 'application/json', duplicatePassword), 422);
    expect(first.errors).toEqual([
      {
        path: '/spec/components/0/properties/password',
        message: expect.stringMatching(
          /^line 2, column \d+: duplicate key "password": keys of an object must be unique$/,
        ),
      },
    ]);
    expect(JSON.stringify(first)).not.toContain(pw1);
    expect(JSON.stringify(first)).not.toContain(pw2);

    const pw3 = password('dup-spec');
    const duplicateSpec = `{"apiVersion":"core.oam.dev/v1beta1","kind":"Application","metadata":{"name":"dup"},
"spec":{"components":[{"name":"db","type":"rds","properties":{"engine":"postgresql","password":"${pw3}"}}]},
"spec":{"components":[{"name":"db","type":"rds","properties":{"engine":"postgresql"}}]}}`;
    const second = expectProblem(await put('dup', 'application/json', duplicateSpec), 422);
    expect(second.errors).toEqual([{ path: '/spec', message: expect.stringContaining('duplicate key "spec"') }]);

    // The same key spelt with an escape is the same key.
    const escaped = duplicatePassword.replace(`"password":"${pw2}"`, `"pass\\u0077ord":"${pw2}"`);
    expectProblem(await put('dup', 'application/json', escaped), 422);
    expectProblem(await request(t.server).get('/v1/environments/local/applications/dup'), 404);
    for (const pw of [pw1, pw2, pw3]) expect(databaseBytes(t.dataDir).includes(pw)).toBe(false);
  });

  it('stores each spelling redacted, with the password sealed away for the worker', async () => {
    const keyring = t.app.get(SecretKeyring);
    for (const spelling of SPELLINGS) {
      const answer = await put(spelling.name, spelling.contentType, spelling.body(spelling.password));
      expect(answer.status, `${spelling.name}: ${answer.text}`).toBe(201);
      expect(answer.text).not.toContain(spelling.password);

      const [row] = (await t.dataSource.query(
        `SELECT r.original_text AS text, r.sealed_secrets AS sealed, r.document AS document
           FROM application_revisions r JOIN applications a ON a.current_revision_id = r.id
          WHERE a.environment_name = 'local' AND a.name = ?`,
        [spelling.name],
      )) as Array<{ text: string; sealed: string | null; document: string }>;
      expect(row, spelling.name).toBeDefined();
      expect(row!.text, spelling.name).not.toContain(spelling.password);
      expect(row!.text, spelling.name).toContain('<redacted>');
      expect(row!.text, spelling.name).toContain(VISIBLE);
      expect(row!.document, spelling.name).not.toContain(spelling.password);
      // Not lost either: the worker gets the password back from the sealed secrets.
      const sealed = keyring.openText(row!.sealed!, revisionAad('local', spelling.name)) as Record<
        string,
        Record<string, string>
      >;
      expect(Object.values(sealed).map((values) => values.password)).toContain(spelling.password);
    }
    // A component named `constructor` keeps its password in its own entry, never on Object's constructor.
    expect((Object as unknown as { password?: unknown }).password).toBeUndefined();

    const bytes = databaseBytes(t.dataDir);
    expect(bytes.includes(VISIBLE), 'the search finds plain text that is there').toBe(true);
    for (const spelling of SPELLINGS) {
      expect(bytes.includes(spelling.password), `${spelling.name} in berth.sqlite or its WAL`).toBe(false);
    }
  });
});
