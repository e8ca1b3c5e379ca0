import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** What one media type of an answer is: a view class (its schema), or `String` for a text body. */
export type Representation = Type<unknown> | StringConstructor;

/**
 * A 200 answered in several representations chosen by `Accept` (JSON, Markdown, dotenv, an event stream), each media
 * type with its own schema. `@ApiProduces` with `@ApiOkResponse({ type })` would give every media type the JSON
 * view's schema, although the text ones are plain strings.
 */
export function ApiOkRepresentations(
  description: string,
  representations: Record<string, Representation>,
  status: number = 200,
): MethodDecorator {
  const models = Object.values(representations).filter((r): r is Type<unknown> => r !== String);
  const content = Object.fromEntries(
    Object.entries(representations).map(([mediaType, representation]) => [
      mediaType,
      { schema: representation === String ? { type: 'string' } : { $ref: getSchemaPath(representation) } },
    ]),
  );
  return applyDecorators(ApiExtraModels(...models), ApiResponse({ status, description, content }));
}
