import { ApiProperty } from '@nestjs/swagger';
import type { CheckResult } from './readiness.service';

export class HealthView {
  @ApiProperty({ enum: ['ok'], type: String }) status!: 'ok';
}

export class ReadinessView {
  @ApiProperty({ enum: ['ok', 'failing'], type: String }) status!: 'ok' | 'failing';
  @ApiProperty({
    type: 'object',
    description: 'Each check by name (database, provider:<kind>, …): ok or failing, with why (or a note)',
    additionalProperties: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok', 'failing'] }, detail: { type: 'string' } },
    },
  })
  checks!: Record<string, CheckResult>;
}
