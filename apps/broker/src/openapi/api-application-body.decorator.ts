import { DOCUMENT_MEDIA_TYPES } from '@berth/oam';
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { APPLICATION_DOCUMENT_SCHEMA } from './application-document.schema';

/**
 * The request body of a route that takes an OAM Application: its schema for every media type; the document module
 * adds the example in each media type's own syntax (see addApplicationExamples).
 */
export function ApiApplicationBody(): MethodDecorator {
  return applyDecorators(
    ApiConsumes(...DOCUMENT_MEDIA_TYPES),
    ApiBody({
      required: true,
      description: 'An OAM core.oam.dev/v1beta1 Application, as YAML or JSON',
      schema: { $ref: `#/components/schemas/${APPLICATION_DOCUMENT_SCHEMA}` },
    }),
  );
}
