import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { APPLICATION_DOCUMENT_SCHEMA } from './application-document.schema';

/** The media types an application document is sent as (the YAML spellings first: YAML is what people write). */
export const APPLICATION_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/json'];

/**
 * The request body of a route that takes an OAM Application: its schema for every media type; the document module
 * adds the example in each media type's own syntax (see addApplicationExamples).
 */
export function ApiApplicationBody(): MethodDecorator {
  return applyDecorators(
    ApiConsumes(...APPLICATION_MEDIA_TYPES),
    ApiBody({
      required: true,
      description: 'An OAM core.oam.dev/v1beta1 Application, as YAML or JSON',
      schema: { $ref: `#/components/schemas/${APPLICATION_DOCUMENT_SCHEMA}` },
    }),
  );
}
