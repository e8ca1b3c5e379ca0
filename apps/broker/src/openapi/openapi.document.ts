import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, RequestBodyObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  APPLICATION_DOCUMENT_SCHEMA,
  applicationDocumentSchema,
  applicationExampleFor,
} from './application-document.schema';
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';
import { addAdapterKinds } from './adapter-kinds';
import { addProblemResponses } from './problem-responses';
import { ProblemView } from './problem.view';

/** Gives each media type of a body that takes the application document the example in that type's syntax. */
function addApplicationExamples(document: OpenAPIObject): void {
  const ref = `#/components/schemas/${APPLICATION_DOCUMENT_SCHEMA}`;
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      const body = operation?.requestBody as RequestBodyObject | undefined;
      for (const [mediaType, content] of Object.entries(body?.content ?? {})) {
        // A fresh object per media type: Nest gives them all the same one.
        if ((content.schema as { $ref?: string } | undefined)?.$ref === ref)
          body!.content[mediaType] = { ...content, example: applicationExampleFor(mediaType) };
      }
    }
  }
}

/**
 * The OpenAPI document of the service, from the controllers' decorators, completed with what they share: the
 * application document's schema and examples, and the problem+json answer of every error response.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Berth')
      .setDescription(
        'Cloud-resource broker: applies OAM Applications, provisions their cloud components and binds their connection ' +
          'secrets into workloads. Errors are application/problem+json.',
      )
      .setVersion('v1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'A Berth API token (`berth_…`, see /v1/tokens) or, when BERTH_OIDC_* is set, an OIDC JWT',
      })
      .build(),
    { extraModels: [ProblemView] },
  );
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[APPLICATION_DOCUMENT_SCHEMA] = applicationDocumentSchema();
  addApplicationExamples(document);
  addProblemResponses(document);
  addAdapterKinds(document, {
    provider: app.get(ProviderRegistry).kinds(),
    runtime: app.get(RuntimeRegistry).kinds(),
  });
  return document;
}

/** Serves the document at /docs-json and Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
