import type { Definition, DefinitionSummary } from '@berth/oam';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DefinitionSummaryView implements DefinitionSummary {
  @ApiProperty({ type: String, example: 'rds' }) name!: string;
  @ApiProperty({ enum: ['component', 'trait'], type: String }) kind!: 'component' | 'trait';
  @ApiProperty({ enum: ['cloud', 'workload', 'trait'], type: String }) category!: 'cloud' | 'workload' | 'trait';
  @ApiProperty({ type: [String], description: 'KubeVela names accepted for it', example: ['alibaba-rds'] })
  aliases!: string[];
  @ApiProperty({ type: String }) description!: string;
}

export class DefinitionListView {
  @ApiProperty({ type: [DefinitionSummaryView] }) items!: DefinitionSummaryView[];
  @ApiPropertyOptional({ type: String, description: 'Cursor of the next page (`?cursor=`); absent on the last page' })
  next?: string;
}

export class ConnectionKeyView {
  @ApiProperty({ type: String, example: 'DB_PASSWORD' }) name!: string;
  @ApiProperty({ type: Boolean, description: 'Never shown in status, logs or errors; revealed only on request' })
  sensitive!: boolean;
  @ApiProperty({ type: String }) description!: string;
}

export class DefinitionView extends DefinitionSummaryView implements Definition {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the properties' })
  schema!: Definition['schema'];
  @ApiProperty({ type: [ConnectionKeyView], description: 'What the connection secret of a cloud component carries' })
  connectionKeys!: ConnectionKeyView[];
  @ApiPropertyOptional({
    type: [String],
    description: "Traits: the workload kinds it applies to (KubeVela's appliesToWorkloads; `any` for every kind)",
  })
  appliesToWorkloads?: string[];
  @ApiProperty({ type: String, description: 'The same as Markdown: properties table and connection keys' })
  markdown!: string;
}
