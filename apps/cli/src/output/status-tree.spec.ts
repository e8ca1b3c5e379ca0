import { describe, expect, it } from 'vitest';
import type { Application } from '../client/api.types';
import { palette } from './colors';
import { errorMessage, formatDeliveryTrees, formatStatusTree } from './status-tree';

const app: Application = {
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'shop', environment: 'local', generation: 3 },
  spec: { components: [] },
  status: {
    phase: 'Provisioning',
    observedGeneration: 3,
    conditions: [{ type: 'Ready', status: 'False', reason: 'Provisioning', message: '1 of 3 components ready' }],
    components: [
      {
        name: 'db',
        type: 'rds',
        kind: 'cloud',
        phase: 'Ready',
        provider: 'local',
        outputs: { DB_HOST: '127.0.0.1', DB_PORT: '54321' },
        secret: { name: 'shop-db-conn', version: 2, keys: ['DB_HOST', 'DB_PORT', 'DB_PASSWORD'] },
        lastError: null,
      },
      {
        name: 'files',
        type: 'oss',
        kind: 'cloud',
        phase: 'Failed',
        provider: 'local',
        lastError: { message: 'bucket name taken', code: 'Conflict' },
      },
      {
        name: 'web',
        type: 'webservice',
        kind: 'workload',
        phase: 'Pending',
        conditions: [{ type: 'Ready', status: 'False', reason: 'WaitingForSecrets', message: 'waiting for files' }],
      },
    ],
    lastOperation: { id: 'op-1', kind: 'apply', state: 'Running' },
  },
};

describe('formatStatusTree', () => {
  it('draws one branch per component with phase, outputs, secret summary and last error', () => {
    expect(formatStatusTree(app, palette(false))).toBe(
      [
        'shop  Provisioning  generation 3 · env local',
        '│ 1 of 3 components ready',
        '├── db     rds         Ready (local)',
        '│     DB_HOST  127.0.0.1',
        '│     DB_PORT  54321',
        '│     secret   shop-db-conn v2 (3 keys)',
        '├── files  oss         Failed (local)',
        '│     error  bucket name taken (Conflict)',
        '└── web    webservice  Pending',
        '      WaitingForSecrets  waiting for files',
        'last operation: apply op-1 Running',
        '',
      ].join('\n'),
    );
  });

  it('never prints secret values, only the key count', () => {
    const out = formatStatusTree(app, palette(false));
    expect(out).not.toContain('DB_PASSWORD');
  });

  it('says so when the server has no component status yet', () => {
    const bare: Application = { ...app, status: { phase: 'Pending' } };
    expect(formatStatusTree(bare, palette(false))).toContain('(no component status yet)');
  });
});

describe('errorMessage', () => {
  it('reads strings, {message, code} objects and nothing', () => {
    expect(errorMessage('boom')).toBe('boom');
    expect(errorMessage({ message: 'boom', code: 'Timeout' })).toBe('boom (Timeout)');
    expect(errorMessage(null)).toBeUndefined();
  });
});

describe('formatDeliveryTrees', () => {
  it('shows the home, then one tree per environment the Application is delivered to', () => {
    const home: Application = {
      ...app,
      metadata: { name: 'shop', environment: 'local', generation: 2 },
      status: {
        phase: 'Ready',
        observedGeneration: 2,
        components: [],
        deliveries: [
          { environment: 'dev', phase: 'Ready', generation: 1, observedGeneration: 1 },
          { environment: 'prod', phase: 'Provisioning', generation: 1, observedGeneration: 0 },
        ],
      },
    };
    const dev: Application = {
      ...app,
      metadata: { name: 'shop', environment: 'dev', generation: 1, deliveredFrom: 'local' },
      status: { phase: 'Ready', observedGeneration: 1, components: [app.status!.components![0]!] },
    };
    const text = formatDeliveryTrees(home, [dev, { environment: 'prod', error: 'not found (404)' }], palette(false));
    expect(text.split('\n')).toEqual([
      'shop  Ready  generation 2 · env local',
      '└── (no components here: delivered to the environments below)',
      '',
      'shop  Ready  generation 1 · env dev · delivered from local',
      '└── db  rds  Ready (local)',
      '      DB_HOST  127.0.0.1',
      '      DB_PORT  54321',
      '      secret   shop-db-conn v2 (3 keys)',
      '',
      'prod  not found (404)',
      '',
    ]);
  });
});
