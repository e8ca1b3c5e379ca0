import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { API_VERSION, KIND, listDefinitions } from '@berth/oam';
import { stringify } from 'yaml';

/** Where the schema of the application document is registered in the OpenAPI document. */
export const APPLICATION_DOCUMENT_SCHEMA = 'OamApplication';

const DNS_LABEL = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;
const DNS_SUBDOMAIN = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  maxLength: 63,
} as const;
const READ_ONLY_NOTE = 'Set by the Kubernetes API server: ignored with a warning (as kubectl apply does)';

function names(kind: 'component' | 'trait'): string[] {
  return listDefinitions()
    .filter((definition) => definition.kind === kind)
    .flatMap((definition) => [definition.name, ...definition.aliases]);
}

/**
 * The OAM `core.oam.dev/v1beta1` Application as the PUT takes it (YAML or JSON): the envelope every document shares.
 * The properties of each component type and trait are not repeated here: they depend on the type, the validator
 * checks them, and `GET /v1/definitions/{type}` describes them (JSON Schema and Markdown). The type names come from
 * the same registry, so the list cannot drift from what the validator accepts.
 */
export function applicationDocumentSchema(): SchemaObject {
  const componentTypes = names('component');
  const traitTypes = names('trait');
  return {
    type: 'object',
    description:
      'An OAM Application: workloads and the cloud components they need. Each problem of an invalid document is ' +
      'answered as `{path, message}` with the JSON pointer of the field as written.',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      status: { description: READ_ONLY_NOTE },
      apiVersion: { type: 'string', enum: [API_VERSION] },
      kind: { type: 'string', enum: [KIND] },
      metadata: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { ...DNS_LABEL, description: 'The application name; it must match `{app}` of the path' },
          namespace: {
            ...DNS_LABEL,
            description:
              'The Kubernetes namespace of the application’s objects on the kubernetes runtime; recorded and shown on ' +
              'the local runtime. Not part of the identity (environment + name)',
          },
          ...Object.fromEntries(
            [
              'creationTimestamp',
              'deletionTimestamp',
              'deletionGracePeriodSeconds',
              'generation',
              'managedFields',
              'resourceVersion',
              'selfLink',
              'uid',
              'finalizers',
            ].map((field) => [field, { description: READ_ONLY_NOTE }]),
          ),
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          annotations: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      spec: {
        type: 'object',
        required: ['components'],
        additionalProperties: false,
        properties: {
          components: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['name', 'type'],
              additionalProperties: false,
              properties: {
                name: { ...DNS_SUBDOMAIN, description: 'Unique within the application (a DNS-1123 subdomain)' },
                type: {
                  type: 'string',
                  enum: componentTypes,
                  description:
                    'A workload (webservice, worker, task) or a cloud component (rds, oss, slb, vpc); KubeVela ' +
                    'names (alibaba-rds, …) are accepted with their property names',
                },
                properties: {
                  type: 'object',
                  additionalProperties: true,
                  description: "The type's properties, as `GET /v1/definitions/{type}` describes them",
                },
                traits: {
                  type: 'array',
                  nullable: true,
                  items: {
                    type: 'object',
                    required: ['type'],
                    additionalProperties: false,
                    properties: {
                      type: { type: 'string', enum: traitTypes },
                      properties: {
                        type: 'object',
                        additionalProperties: true,
                        description: "The trait's properties (`GET /v1/definitions/service-binding`)",
                      },
                    },
                  },
                },
                dependsOn: {
                  type: 'array',
                  items: { type: 'string' },
                  description: 'Components that must be ready before this one',
                },
                writeConnectionSecretToRef: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' } },
                  description: 'Cloud components: the name of the connection secret (KubeVela placement)',
                },
                deletionPolicy: {
                  type: 'string',
                  enum: ['Delete', 'Retain'],
                  description: 'Cloud components: keep the resource when the component or application is deleted',
                },
                providerRef: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' } },
                  description: 'Cloud components: a provider profile of the environment instead of the default one',
                },
              },
            },
          },
          policies: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type'],
              additionalProperties: false,
              description:
                'KubeVela policies: topology, override and env-binding are carried out (one delivery per selected ' +
                'environment, see docs/multi-environment.md); the others are refused by name; a policy without a ' +
                'name is named by its type',
              properties: {
                name: DNS_SUBDOMAIN,
                type: { type: 'string' },
                properties: { type: 'object', additionalProperties: true },
              },
            },
          },
        },
      },
    },
  };
}

/** The quick start (examples/quickstart.yaml): a web service bound to a PostgreSQL database and a bucket. */
export const APPLICATION_EXAMPLE = {
  apiVersion: API_VERSION,
  kind: KIND,
  metadata: { name: 'quickstart' },
  spec: {
    components: [
      {
        name: 'web',
        type: 'webservice',
        properties: { image: 'node:20-alpine', port: 8080 },
        traits: [
          {
            type: 'service-binding',
            properties: {
              envMappings: {
                DB_HOST: { secret: 'db' },
                DB_PASSWORD: { secret: 'db' },
                BUCKET_NAME: { secret: 'files' },
              },
            },
          },
        ],
      },
      {
        name: 'db',
        type: 'rds',
        properties: { engine: 'postgresql', databaseName: 'quickstart', accountName: 'quickstart' },
      },
      { name: 'files', type: 'oss', properties: { acl: 'private' } },
    ],
  },
};

/** The example in the syntax of a request body's media type: YAML text for the YAML types, the object for JSON. */
export function applicationExampleFor(mediaType: string): unknown {
  return /yaml/.test(mediaType) ? stringify(APPLICATION_EXAMPLE) : APPLICATION_EXAMPLE;
}
