import { describe, expect, it } from 'vitest';
import { redactDeep } from './redact';

describe('redactDeep', () => {
  it('masks secret-looking keys at any depth and credentials inside URLs', () => {
    const record = {
      msg: 'connecting to postgres://berth:s3cr3t@db:5432/berth',
      outputs: { DB_HOST: 'db', DB_PASSWORD: 'p4ss', DB_URL: 'mysql://u:p@h/db', OSS_ACCESS_KEY_SECRET: 'k3y' },
      list: [{ token: 'abc' }, { Authorization: 'Bearer abcdefghijkl' }],
      nested: { spec: { properties: { password: 'x', accountName: 'app' } } },
    };
    const text = JSON.stringify(redactDeep(record));
    for (const secret of ['s3cr3t', 'p4ss', 'mysql://u:p@', 'k3y', 'abc"', 'abcdefghijkl', '"x"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('postgres://berth:<redacted>@db:5432/berth');
    expect(text).toContain('"accountName":"app"');
    expect(text).toContain('"DB_HOST":"db"');
  });
});
