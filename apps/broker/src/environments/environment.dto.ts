import type { JsonObject } from '@berth/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class ProviderProfileDto {
  // The accepted kinds are the registered providers' (the OpenAPI document lists them: openapi/adapter-kinds.ts).
  @ApiProperty({ description: 'Adapter kind', example: 'local', type: String })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(63, { message: 'must be at most 63 characters' })
  kind!: string;

  @ApiPropertyOptional({
    description: 'Adapter settings (region, endpoints, references to credentials — never credentials themselves)',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  settings?: JsonObject;
}

export class RuntimeDto {
  // The accepted kinds are the registered runtimes' (the OpenAPI document lists them: openapi/adapter-kinds.ts).
  @ApiProperty({ description: 'Runtime kind', example: 'local', type: String })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(63, { message: 'must be at most 63 characters' })
  kind!: string;

  @ApiPropertyOptional({
    description: 'Runtime settings (e.g. kubeconfig path, namespace)',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  settings?: JsonObject;
}

/** Body of `PUT /v1/environments/{env}`. */
export class EnvironmentBodyDto {
  @ApiProperty({ type: ProviderProfileDto, description: 'The default provider profile' })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => ProviderProfileDto)
  provider!: ProviderProfileDto;

  @ApiPropertyOptional({
    description: 'Named profiles a component can select with providerRef.name',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ProviderProfileDto' },
  })
  @IsOptional()
  @IsObject({ message: 'must be an object of named profiles' })
  profiles?: Record<string, unknown>;

  @ApiProperty({ type: RuntimeDto, description: 'Where workloads run' })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => RuntimeDto)
  runtime!: RuntimeDto;

  @ApiPropertyOptional({
    description:
      "Kubernetes-style labels (keys `[prefix/]name`, string values); a topology policy's clusterLabelSelector selects environments by them",
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { tier: 'prod' },
  })
  @IsOptional() // checked as Kubernetes checks labels, by labelProblems
  labels?: Record<string, string>;
}

/** An environment as the API returns it. */
export class EnvironmentView {
  @ApiProperty({ type: String }) name!: string;
  @ApiProperty({ type: ProviderProfileDto }) provider!: ProviderProfileDto;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ProviderProfileDto' } })
  profiles!: Record<string, ProviderProfileDto>;
  @ApiProperty({ type: RuntimeDto }) runtime!: RuntimeDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({
    description: 'PUT with allowUnavailable=true: the profiles stored although their adapter cannot work here yet',
    type: 'array',
    items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
  })
  warnings?: Array<{ path: string; message: string }>;
  @ApiPropertyOptional({
    description: 'PUT with dryRun=true: nothing was stored; this is what would be',
    type: Boolean,
  })
  dryRun?: boolean;
}

export class EnvironmentListView {
  @ApiProperty({ type: [EnvironmentView] }) items!: EnvironmentView[];
  @ApiPropertyOptional({ type: String, description: 'Pass as ?cursor= for the next page; absent on the last page' })
  next?: string;
}
