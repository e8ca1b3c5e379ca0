import {
  APPLICATION_PHASES,
  type ApplicationPhase,
  type Condition,
  type JsonObject,
  workflowStatus,
} from '@berth/core';
import { redactDocument } from '@berth/oam';
import type { ApplicationEntity, ApplicationRevisionEntity } from '@berth/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ApplicationStatusView {
  @ApiProperty({ enum: APPLICATION_PHASES, type: String }) phase!: ApplicationPhase;
  @ApiProperty({ type: Number, description: 'The generation the engine last finished acting on (0 = not yet)' })
  observedGeneration!: number;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) conditions!: Condition[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      'Per component: name, type, kind, phase, provider, externalIds, non-secret outputs, secret {name, version, keys}, conditions, lastError',
  })
  components?: unknown[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: '{ id, kind, state } of the newest operation',
  })
  lastOperation?: { id: string; kind: string; state: string } | null;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      "An Application with a topology: each other environment it is delivered to, { environment, phase, generation, observedGeneration, conditions, deletionRequestedAt? } (GET that environment's application for its components)",
  })
  deliveries?: DeliveryStatusView[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'An Application with spec.workflow: { phase, revision, steps: [{ name, type, phase, reason?, message?, attempts, targets? }] }',
  })
  workflow?: unknown;
}

export interface DeliveryStatusView {
  environment: string;
  phase: ApplicationPhase;
  generation: number;
  observedGeneration: number;
  conditions: Condition[];
  deletionRequestedAt?: string;
}

/** A delivery's summary in its origin's status. */
export function toDeliveryStatusView(delivery: ApplicationEntity): DeliveryStatusView {
  return {
    environment: delivery.environmentName,
    phase: delivery.phase,
    generation: delivery.generation,
    observedGeneration: delivery.observedGeneration,
    conditions: delivery.conditions ?? [],
    ...(delivery.deletionRequestedAt ? { deletionRequestedAt: delivery.deletionRequestedAt.toISOString() } : {}),
  };
}

export class ApplicationView {
  @ApiProperty({ type: String, example: 'core.oam.dev/v1beta1' }) apiVersion!: string;
  @ApiProperty({ type: String, example: 'Application' }) kind!: string;
  @ApiProperty({
    type: 'object',
    description:
      'name, environment, generation, labels, annotations, createdAt, updatedAt, deletionRequestedAt, and on a delivery deliveredFrom (the home environment of the Application that delivered it)',
    additionalProperties: true,
  })
  metadata!: JsonObject;
  @ApiProperty({ type: 'object', description: 'The normalized spec, secrets redacted', additionalProperties: true })
  spec!: JsonObject;
  @ApiPropertyOptional({ type: ApplicationStatusView, description: 'Absent on a dry run' })
  status?: ApplicationStatusView;
  @ApiPropertyOptional({ type: Boolean, description: 'Present on PUT when the content was identical (nothing stored)' })
  unchanged?: boolean;
  @ApiPropertyOptional({ type: Boolean, description: 'Present on a dry run (nothing stored)' })
  dryRun?: boolean;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      'PUT/DELETE of an Application with a topology: per other target environment { environment, outcome (created, updated, unchanged, dry-run, deleting), operation? }',
  })
  deliveries?: unknown[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The operation queued by this request: { id, kind, state, generation, createdAt, finishedAt, actor }',
  })
  operation?: unknown;
  @ApiPropertyOptional({
    type: 'array',
    items: {
      type: 'object',
      properties: { path: { type: 'string' }, message: { type: 'string' } },
      required: ['path', 'message'],
    },
    description:
      'On PUT (and dry run): what was accepted but ignored (e.g. read-only fields pasted from `kubectl get -o yaml`) ' +
      "or given a default other than KubeVela's, each `{path, message}` with a JSON pointer into the document",
  })
  warnings?: Array<{ path: string; message: string }>;
}

export class ApplicationSummaryView {
  @ApiProperty({ type: String }) name!: string;
  @ApiProperty({ type: String }) environment!: string;
  @ApiProperty({ type: Number }) generation!: number;
  @ApiProperty({ enum: APPLICATION_PHASES, type: String }) phase!: ApplicationPhase;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) deletionRequestedAt?: string;
}

export class ApplicationListView {
  @ApiProperty({ type: [ApplicationSummaryView] }) items!: ApplicationSummaryView[];
  @ApiProperty({ type: Number, description: 'Applications matching the filter, across all pages' }) total!: number;
  @ApiProperty({ type: Number }) limit!: number;
  @ApiProperty({ type: Number }) offset!: number;
  @ApiPropertyOptional({
    type: String,
    description: 'Pass as ?continue= to get the next page; absent on the last page',
  })
  continue?: string;
  @ApiPropertyOptional({ type: String, description: 'Pass as ?cursor= for the next page; absent on the last page' })
  next?: string;
}

export class RevisionView {
  @ApiProperty({ type: Number }) generation!: number;
  @ApiProperty({ type: String }) contentHash!: string;
  @ApiProperty({ type: String }) contentType!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: Boolean }) current!: boolean;
  @ApiProperty({
    type: 'object',
    description: 'The normalized spec of this revision, secrets redacted',
    additionalProperties: true,
  })
  spec!: JsonObject;
}

export class RevisionListView {
  @ApiProperty({ type: [RevisionView] }) items!: RevisionView[];
  @ApiPropertyOptional({ type: String, description: 'Pass as ?cursor= for the next page; absent on the last page' })
  next?: string;
}

function asObject(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** The API's view of an application: the (redacted) normalized document, our metadata, and the status. */
export function toApplicationView(
  environment: string,
  document: JsonObject,
  application?: ApplicationEntity,
  lifecycle?: { components: unknown[]; lastOperation: { id: string; kind: string; state: string } | null },
  deliveries?: readonly ApplicationEntity[],
): ApplicationView {
  const redacted = redactDocument(document);
  const metadata: JsonObject = { ...asObject(redacted.metadata), environment };
  if (application) {
    Object.assign(metadata, {
      name: application.name,
      generation: application.generation,
      createdAt: application.createdAt.toISOString(),
      updatedAt: application.updatedAt.toISOString(),
    });
    if (application.deletionRequestedAt) metadata.deletionRequestedAt = application.deletionRequestedAt.toISOString();
    if (application.deliveredFrom) metadata.deliveredFrom = application.deliveredFrom;
  }
  return {
    apiVersion: String(redacted.apiVersion ?? 'core.oam.dev/v1beta1'),
    kind: String(redacted.kind ?? 'Application'),
    metadata,
    spec: asObject(redacted.spec),
    ...(application
      ? {
          status: {
            phase: application.phase,
            observedGeneration: application.observedGeneration,
            conditions: application.conditions ?? [],
            ...(lifecycle ? { components: lifecycle.components, lastOperation: lifecycle.lastOperation } : {}),
            ...(deliveries?.length ? { deliveries: deliveries.map(toDeliveryStatusView) } : {}),
            ...(application.workflow ? { workflow: workflowStatus(application.workflow.state) } : {}),
          },
        }
      : {}),
  };
}

export function toSummaryView(application: ApplicationEntity): ApplicationSummaryView {
  return {
    name: application.name,
    environment: application.environmentName,
    generation: application.generation,
    phase: application.phase,
    updatedAt: application.updatedAt.toISOString(),
    ...(application.deletionRequestedAt ? { deletionRequestedAt: application.deletionRequestedAt.toISOString() } : {}),
  };
}

export function toRevisionView(revision: ApplicationRevisionEntity, currentRevisionId: string | null): RevisionView {
  return {
    generation: revision.generation,
    contentHash: revision.contentHash,
    contentType: revision.contentType,
    createdAt: revision.createdAt.toISOString(),
    current: revision.id === currentRevisionId,
    spec: asObject(redactDocument(revision.document).spec),
  };
}
