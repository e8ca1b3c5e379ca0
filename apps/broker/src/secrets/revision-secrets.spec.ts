import { describe, expect, it } from 'vitest';
import { generateSecretKey } from '@berth/core';
import { restoreSecrets, revisionAad, secretsOf, storedRevisionContent } from './revision-secrets';
import { SecretKeyring } from './secret-keyring';

const document = (password?: string) => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'shop' },
  spec: {
    components: [
      { name: 'db', type: 'rds', properties: { engine: 'mysql', ...(password ? { password } : {}) } },
      { name: 'web', type: 'webservice', properties: { image: 'shop:1' } },
    ],
  },
});

const NO_TEXT = { text: '', contentType: 'application/yaml' };

describe('revision secrets', () => {
  const keyring = new SecretKeyring(generateSecretKey());

  it('takes the literal password out, seals it, and puts it back for the worker', () => {
    const text =
      'spec:\n  components:\n    - name: db\n      type: rds\n      properties:\n        password: hunter2hunter2\n';
    const stored = storedRevisionContent(keyring, 'dev', 'shop', document('hunter2hunter2'), {
      text,
      contentType: 'application/yaml',
    });
    expect(JSON.stringify(stored.document)).not.toContain('hunter2');
    expect(stored.originalText).not.toContain('hunter2');
    expect(stored.sealedSecrets).not.toContain('hunter2');
    const secrets = keyring.openText(stored.sealedSecrets!, revisionAad('dev', 'shop'));
    expect(secrets).toEqual({ db: { password: 'hunter2hunter2' } });
    expect(restoreSecrets(stored.document, secrets as never)).toEqual(document('hunter2hunter2'));
    expect(() => keyring.openText(stored.sealedSecrets!, revisionAad('dev', 'other'))).toThrow();
  });

  it("takes a redis component's password and each account's password out, and puts them back where they were", () => {
    const cache = {
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: 'shop' },
      spec: {
        components: [
          {
            name: 'cache',
            type: 'alibaba-redis',
            properties: {
              password: 'main-secret-1',
              accounts: [{ name: 'reporting', password: 'account-secret-1', privilege: 'RoleReadOnly' }, { name: 'x' }],
            },
          },
        ],
      },
    };
    const stored = storedRevisionContent(keyring, 'dev', 'shop', cache, NO_TEXT);
    expect(JSON.stringify(stored.document)).not.toMatch(/main-secret|account-secret/);
    const secrets = keyring.openText(stored.sealedSecrets!, revisionAad('dev', 'shop'));
    expect(secrets).toEqual({ cache: { password: 'main-secret-1', 'accounts/0/password': 'account-secret-1' } });
    expect(restoreSecrets(stored.document, secrets as never)).toEqual(cache);
  });

  it('changes the content hash when only the password changes, and keeps it stable otherwise', () => {
    const a = storedRevisionContent(keyring, 'dev', 'shop', document('first-password-1'), NO_TEXT);
    const b = storedRevisionContent(keyring, 'dev', 'shop', document('first-password-1'), NO_TEXT);
    const c = storedRevisionContent(keyring, 'dev', 'shop', document('other-password-2'), NO_TEXT);
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
    const none = storedRevisionContent(keyring, 'dev', 'shop', document(), NO_TEXT);
    expect(none.sealedSecrets).toBeNull();
    expect(secretsOf(document())).toEqual({});
  });
});
