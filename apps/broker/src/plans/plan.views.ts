import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLAN_ACTIONS, type PlanAction } from './plan-components';

export class PlanAdapterView {
  @ApiProperty({ enum: ['provider', 'runtime'] }) role!: 'provider' | 'runtime';
  @ApiProperty({ type: String, example: 'alicloud' }) kind!: string;
  @ApiProperty({
    type: String,
    description: 'The named profile (providerRef.name), `environment default`, or `environment runtime`',
  })
  profile!: string;
  @ApiProperty({ type: Boolean }) available!: boolean;
  @ApiPropertyOptional({ type: String, description: 'Why it is unavailable (e.g. which command is missing)' })
  reason?: string;
}

export class PlannedChangeView {
  @ApiProperty({ enum: ['create', 'update', 'replace', 'delete', 'same'] }) action!: string;
  @ApiProperty({ type: String }) resource!: string;
  @ApiPropertyOptional({ type: String }) detail?: string;
}

export class PlanPreviewView {
  @ApiProperty({ enum: ['ok', 'unavailable', 'failed', 'timeout', 'skipped'] }) status!: string;
  @ApiPropertyOptional({ type: Boolean, description: 'False when the adapter can only say what it would do' })
  exact?: boolean;
  @ApiPropertyOptional({ type: [PlannedChangeView] }) changes?: PlannedChangeView[];
  @ApiPropertyOptional({ type: String }) message?: string;
  @ApiPropertyOptional({ type: String, description: 'The provider error code (failed / timeout / unavailable)' })
  code?: string;
}

export class PlanComponentView {
  @ApiProperty({ type: String }) name!: string;
  @ApiProperty({ type: String }) type!: string;
  @ApiProperty({ enum: ['cloud', 'workload'] }) category!: 'cloud' | 'workload';
  @ApiProperty({ type: Boolean, description: 'False: recorded from an earlier revision, pruned by this apply' })
  inSpec!: boolean;
  @ApiProperty({ type: PlanAdapterView }) adapter!: PlanAdapterView;
  @ApiProperty({ type: String, description: 'Why this adapter' }) why!: string;
  @ApiProperty({ enum: PLAN_ACTIONS }) action!: PlanAction;
  @ApiProperty({ type: [String], description: 'Step ids the apply would run for it' }) steps!: string[];
  @ApiProperty({ type: String }) description!: string;
  @ApiPropertyOptional({ enum: ['Delete', 'Retain'] }) deletionPolicy?: string;
  @ApiPropertyOptional({ type: PlanPreviewView, description: 'Cloud components only' }) preview?: PlanPreviewView;
}

export class PlanStepView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ type: String }) action!: string;
  @ApiPropertyOptional({ type: String }) component?: string;
  @ApiPropertyOptional({ type: String }) type?: string;
  @ApiProperty({ type: [String] }) dependsOn!: string[];
  @ApiProperty({ type: String }) description!: string;
}

/** Answer of `GET …/applications/{app}/plan`, and `plan` of a `PUT …?dryRun=true&plan=true`. */
export class PlanView {
  @ApiProperty({ type: String }) environment!: string;
  @ApiProperty({ type: String }) application!: string;
  @ApiPropertyOptional({ type: Number, description: 'The generation planned (absent on a dry run)' })
  generation?: number;
  @ApiPropertyOptional({ type: Boolean }) dryRun?: true;
  @ApiProperty({ enum: ['apply'] }) kind!: 'apply';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Components per action',
  })
  summary!: Partial<Record<PlanAction, number>>;
  @ApiProperty({ type: [PlanComponentView] }) components!: PlanComponentView[];
  @ApiProperty({ type: [PlanStepView], description: 'The steps an apply would run now, in dependency order' })
  steps!: PlanStepView[];
}
