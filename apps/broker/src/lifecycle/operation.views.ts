import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OPERATION_KINDS, OPERATION_STATES, type OperationKind, type OperationState } from '@berth/core';
import type { OperationEntity, OperationEventEntity } from '@berth/persistence';

export class StepView {
  @ApiProperty({ type: String, example: 'provision:db' }) id!: string;
  @ApiProperty({ type: String }) action!: string;
  @ApiPropertyOptional({ type: String }) component?: string;
  @ApiProperty({ type: String }) description!: string;
  @ApiProperty({ enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped'], type: String }) state!: string;
  @ApiProperty({ type: Number }) attempts!: number;
  @ApiProperty({ type: String, nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}

/** Who caused an operation or an event. */
export class ActorView {
  @ApiProperty({ type: String, example: 'token:ci-deployer', description: 'token:<name>, user:<OIDC sub>' })
  subject!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The API token used, if any' }) tokenName!: string | null;
}

export class OperationSummaryView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ enum: OPERATION_KINDS, type: String }) kind!: OperationKind;
  @ApiProperty({ enum: OPERATION_STATES, type: String }) state!: OperationState;
  @ApiProperty({ type: Number }) generation!: number;
  @ApiProperty({ type: String }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({
    type: ActorView,
    nullable: true,
    description: 'Who set it going (the last retry’s caller); null: Berth itself (e.g. a scheduled refresh)',
  })
  actor!: ActorView | null;
}

export class OperationView extends OperationSummaryView {
  @ApiProperty({ type: String }) environment!: string;
  @ApiProperty({ type: String }) application!: string;
  @ApiProperty({ type: Number, description: 'How many times a worker claimed it' }) attempts!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) options!: Record<string, unknown>;
  @ApiProperty({ type: [StepView] }) steps!: StepView[];
}

export class OperationListView {
  @ApiProperty({ type: [OperationSummaryView] }) items!: OperationSummaryView[];
  @ApiPropertyOptional({ type: String, description: 'Pass as ?cursor= for the next page; absent on the last page' })
  next?: string;
}

export class OperationEventView {
  @ApiProperty({ type: Number }) seq!: number;
  @ApiProperty({ type: String }) operationId!: string;
  @ApiProperty({ type: String }) time!: string;
  @ApiProperty({ enum: ['debug', 'info', 'warn', 'error'], type: String }) level!: string;
  @ApiPropertyOptional({ type: String }) step?: string;
  @ApiPropertyOptional({ type: String }) component?: string;
  @ApiProperty({ type: String }) message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) fields?: Record<string, unknown>;
  @ApiProperty({
    type: ActorView,
    nullable: true,
    description: 'Who caused it: the caller of the request, else the actor of the operation then',
  })
  actor!: ActorView | null;
}

export class OperationEventListView {
  @ApiProperty({ type: [OperationEventView] }) items!: OperationEventView[];
  @ApiPropertyOptional({ type: String, description: 'Pass as ?cursor= for the next page; absent on the last page' })
  next?: string;
}

export class EnvVariableView {
  @ApiProperty({ type: String }) name!: string;
  @ApiProperty({
    enum: ['declared', 'binding'],
    description:
      "declared: a literal of the workload's own env; binding: a connection-secret key (wins over a declared variable of the same name, as the later entry does in a pod)",
  })
  source!: 'declared' | 'binding';
  @ApiProperty({ type: String, required: false, description: 'Bindings only: the connection secret' })
  secret?: string;
  @ApiProperty({ type: String, required: false, description: 'Bindings only: the key in the connection secret' })
  key?: string;
  @ApiProperty({ type: Boolean }) sensitive!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'null for sensitive keys unless ?reveal=true' })
  value!: string | null;
}

export class WorkloadEnvView {
  @ApiProperty({ type: String }) component!: string;
  @ApiProperty({ type: String, nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) checksum!: string | null;
  @ApiProperty({ type: [EnvVariableView] }) variables!: EnvVariableView[];
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

const actorOf = (row: { actorSubject?: string | null; actorTokenName?: string | null }): ActorView | null =>
  row.actorSubject ? { subject: row.actorSubject, tokenName: row.actorTokenName ?? null } : null;

export function toOperationSummary(row: OperationEntity): OperationSummaryView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    generation: row.generation,
    createdAt: row.createdAt.toISOString(),
    finishedAt: iso(row.finishedAt),
    actor: actorOf(row),
  };
}

export function toOperationView(row: OperationEntity): OperationView {
  return {
    id: row.id,
    kind: row.kind,
    environment: row.environmentName,
    application: row.applicationName,
    generation: row.generation,
    state: row.state,
    attempts: row.attempts,
    error: row.error,
    options: { ...(row.options ?? {}) },
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    actor: actorOf(row),
    steps: (row.steps ?? []).map((s) => ({
      id: s.id,
      action: s.action,
      ...(s.component ? { component: s.component } : {}),
      description: s.description,
      state: s.state,
      attempts: s.attempts,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      error: s.error,
    })),
  };
}

export function toEventView(row: OperationEventEntity): OperationEventView {
  return {
    seq: Number(row.seq),
    operationId: row.operationId,
    time: row.time.toISOString(),
    level: row.level,
    ...(row.step ? { step: row.step } : {}),
    ...(row.component ? { component: row.component } : {}),
    message: row.message,
    ...(row.fields ? { fields: row.fields } : {}),
    actor: actorOf(row),
  };
}

/** The answer of a POST that queued an operation (`:retry`, `:refresh`, `:rotate`). */
export class OperationAcceptedView {
  @ApiProperty({ type: OperationSummaryView, description: 'The queued operation; follow it at /v1/operations/{id}' })
  operation!: OperationSummaryView;
}
