import type { ValidationProblem } from '@berth/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Problem } from '../problems/problem';

/** One problem of a request, at the JSON pointer of the field as the client wrote it. */
export class ProblemItemView implements ValidationProblem {
  @ApiProperty({ type: String, description: 'JSON pointer into the request body (`` for the whole document)' })
  path!: string;

  @ApiProperty({ type: String, description: 'What is wrong and what was expected' })
  message!: string;
}

/** An RFC 9457 problem document (`application/problem+json`): what every error response carries (see Problem). */
export class ProblemView implements Problem {
  @ApiProperty({ type: String, format: 'uri', example: 'https://berth.dev/problems/invalid-application' })
  type!: string;

  @ApiProperty({ type: String, example: 'Invalid application' })
  title!: string;

  @ApiProperty({ type: Number, example: 422 })
  status!: number;

  @ApiProperty({ type: String, example: '/spec/components/1/properties/engine: must be one of mysql, postgresql' })
  detail!: string;

  @ApiProperty({ type: [ProblemItemView], description: 'Every problem found, each with its JSON pointer' })
  errors!: ProblemItemView[];

  @ApiPropertyOptional({ type: String, description: 'The request id (X-Request-Id), to find the request in the logs' })
  requestId?: string;
}
