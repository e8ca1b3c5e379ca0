import { describe, expect, it } from 'vitest';
import { palette } from './colors';
import { formatDefinition, propertyRows } from './definition.view';

const rds = {
  name: 'rds',
  kind: 'component',
  category: 'cloud',
  aliases: ['alibaba-rds'],
  description: 'A managed relational database.',
  schema: {
    type: 'object',
    required: ['engine'],
    properties: {
      engine: { enum: ['mysql', 'postgresql'], description: 'database engine' },
      storageGB: { type: 'integer', default: 20 },
      securityIps: { type: 'array', items: { type: 'string' } },
      listeners: {
        type: 'array',
        items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' } } },
      },
    },
  },
  connectionKeys: [
    { name: 'DB_HOST', sensitive: false },
    { name: 'DB_PASSWORD', sensitive: true, description: 'account password' },
    'DB_PORT',
  ],
};

describe('show TYPE', () => {
  it('lists properties with type, required, default and nested paths', () => {
    expect(propertyRows(rds.schema)).toEqual([
      { name: 'engine', type: 'mysql|postgresql', required: true, default: undefined, description: 'database engine' },
      { name: 'storageGB', type: 'integer', required: false, default: '20', description: '' },
      { name: 'securityIps', type: 'string[]', required: false, default: undefined, description: '' },
      { name: 'listeners', type: 'object[]', required: false, default: undefined, description: '' },
      { name: 'listeners[].port', type: 'integer', required: true, default: undefined, description: '' },
    ]);
  });

  it('prints the properties table and the connection keys, marking the sensitive ones', () => {
    const out = formatDefinition(rds, palette(false));
    expect(out).toContain('aliases: alibaba-rds');
    expect(out).toMatch(/^engine\s+mysql\|postgresql\s+yes\s+database engine$/m);
    expect(out).toMatch(/^DB_PASSWORD\s+yes\s+account password$/m);
    expect(out).toMatch(/^DB_PORT$/m);
  });
});
