import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** OpenAPI schemas of the access routes' answers. */
const time = { type: 'string', format: 'date-time' } as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

export const TOKEN_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'owner', 'createdAt', 'expiresAt', 'revokedAt', 'scopes'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    createdAt: time,
    expiresAt: nullableTime,
    revokedAt: nullableTime,
    scopes: { type: 'array', items: { type: 'string' }, description: 'role@scope' },
  },
};

export const CREATED_TOKEN_SCHEMA: SchemaObject = {
  ...TOKEN_SCHEMA,
  required: [...(TOKEN_SCHEMA.required ?? []), 'token'],
  properties: {
    ...TOKEN_SCHEMA.properties,
    token: { type: 'string', description: 'The secret (berth_…): shown only in this answer' },
  },
};

export const TOKEN_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: TOKEN_SCHEMA } },
};

export const ROLE_BINDING_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'subject', 'role', 'scope', 'createdAt'],
  properties: {
    id: { type: 'string' },
    subject: { type: 'string', description: 'token:<name>, user:<OIDC sub> or group:<OIDC group>' },
    role: { type: 'string', enum: ['viewer', 'developer', 'secret-reader', 'admin'] },
    scope: { type: 'string', description: 'service, environment:<name> or application:<env>/<app>' },
    createdAt: time,
  },
};

export const ROLE_BINDING_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: ROLE_BINDING_SCHEMA } },
};

const nullableText = { type: 'string', nullable: true } as const;

export const AUDIT_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'time', 'subject', 'verb', 'resource', 'status'],
        properties: {
          seq: { type: 'integer' },
          time,
          subject: { type: 'string' },
          tokenName: nullableText,
          verb: { type: 'string', description: 'The permission the route needs' },
          resource: { type: 'string', description: 'METHOD path' },
          environment: nullableText,
          application: nullableText,
          component: nullableText,
          remoteAddress: nullableText,
          status: { type: 'integer', description: 'The HTTP status answered' },
        },
      },
    },
    next: { type: 'integer', nullable: true, description: 'The `before` of the next page' },
  },
};

export const WHOAMI_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['subject', 'tokenName', 'groups', 'roles'],
  properties: {
    subject: { type: 'string' },
    tokenName: nullableText,
    groups: { type: 'array', items: { type: 'string' } },
    roles: {
      type: 'array',
      items: { type: 'object', properties: { role: { type: 'string' }, scope: { type: 'string' } } },
    },
  },
};
