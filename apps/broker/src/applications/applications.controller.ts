import { Controller, Delete, Get, Headers, HttpCode, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { APPLICATION_PHASES } from '@berth/core';
import type { Request, Response } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { readDocument } from '../http/document-body';
import { ApiCursorPage, encodeCursor, isInteger, isString, nextCursor, pageQuery } from '../http/cursor-page';
import { badQuery, booleanQuery, enumQuery, integerQuery } from '../http/query-params';
import { ApiApplicationBody } from '../openapi/api-application-body.decorator';
import {
  ApplicationListView,
  ApplicationView,
  RevisionListView,
  toApplicationView,
  toRevisionView,
  toSummaryView,
} from './application.views';
import { ApplicationsService, entityTag } from './applications.service';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { toOperationSummary } from '../lifecycle/operation.views';
import { PlansService } from '../plans/plans.service';
import type { PlanView } from '../plans/plan.views';
import { hasDeliveryPolicies } from './delivery-plan';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';
import type { IdentifiedRequest } from '../access/access.guard';

const MAX_PAGE = 500;

/** What the caller may do where, for the deliveries a topology makes in other environments. */
function accessOf(request: IdentifiedRequest): {
  mayWriteIn?: (env: string) => boolean;
  knows?: (env: string) => boolean;
} {
  const identity = request.identity;
  if (!identity) return {};
  return {
    mayWriteIn: (env) => identity.canIn(PERMISSIONS.applicationsWrite, env),
    knows: (env) => identity.knows(env),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

@ApiTags('applications')
@Controller('v1/environments/:env/applications')
export class ApplicationsController {
  constructor(
    @Inject(ApplicationsService) private readonly applications: ApplicationsService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(PlansService) private readonly plans: PlansService,
  ) {}

  @Put(':app')
  @RequirePermission(PERMISSIONS.applicationsWrite)
  @ApiOperation({
    summary: 'Apply an application: create or update it (or validate it only, with dryRun)',
    description:
      'Validates the document, stores a new revision when it changed and queues an apply operation. An invalid ' +
      'document is a 422 listing every problem with its JSON pointer; nothing is stored.',
  })
  @ApiApplicationBody()
  @ApiQuery({
    name: 'dryRun',
    required: false,
    type: Boolean,
    description: 'Validate and normalize only; store nothing',
  })
  @ApiQuery({
    name: 'plan',
    required: false,
    type: Boolean,
    description: 'With dryRun=true: also answer `plan`, what applying this document would do (as GET …/plan)',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag (generation) the change is based on' })
  @ApiCreatedResponse({ type: ApplicationView, description: 'Created (generation 1)' })
  @ApiOkResponse({ type: ApplicationView, description: 'Updated, unchanged (`unchanged: true`), or a dry run' })
  @ApiNotFoundResponse({ description: 'Unknown environment' })
  @ApiConflictResponse({ description: 'The application is being deleted, or changed concurrently' })
  @ApiPreconditionFailedResponse({ description: 'If-Match does not hold' })
  @ApiPayloadTooLargeResponse({ description: 'Body larger than BERTH_MAX_BODY_BYTES' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Neither YAML nor JSON' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid; `errors` lists every problem with its JSON pointer' })
  async put(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Query('dryRun') dryRunParam: unknown,
    @Query('plan') planParam: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApplicationView & { plan?: PlanView }> {
    const dryRun = booleanQuery('dryRun', dryRunParam);
    const plan = booleanQuery('plan', planParam);
    if (plan && !dryRun) throw badQuery('plan', 'is only accepted together with dryRun=true');
    const { raw, document } = await readDocument(request, this.config.maxBodyBytes);
    if (plan && hasDeliveryPolicies(document)) {
      // Per environment: the overridden components each delivery would get, and what its apply would change there.
      const prepared = await this.applications.prepareDeliveries(
        { environment, name, document, ...accessOf(request as IdentifiedRequest) },
        { checkAvailability: false },
      );
      const home = prepared.validated.find((v) => v.environment === environment);
      return {
        ...toApplicationView(environment, prepared.homeDocument),
        warnings: prepared.warnings,
        dryRun: true,
        ...(home ? { plan: (await this.plans.planDocument(environment, name, home.document)) as PlanView } : {}),
        deliveries: await Promise.all(
          prepared.validated
            .filter((v) => v.environment !== environment)
            .map(async (v) => ({
              environment: v.environment,
              outcome: 'dry-run',
              spec: toApplicationView(v.environment, v.document).spec,
              plan: (await this.plans.planDocument(v.environment, name, v.document)) as PlanView,
            })),
        ),
      } as ApplicationView & { plan?: PlanView };
    }
    if (plan) {
      // The plan reports an unavailable adapter per component instead of refusing the document.
      const { document: normalized, warnings } = await this.applications.validate(
        { environment, name, document },
        { checkAvailability: false },
      );
      return {
        ...toApplicationView(environment, normalized),
        warnings,
        dryRun: true,
        plan: (await this.plans.planDocument(environment, name, normalized)) as PlanView,
      };
    }
    const result = await this.applications.apply({
      environment,
      name,
      document,
      originalText: raw.text,
      contentType: raw.mediaType,
      ifMatch: header(ifMatch),
      ifNoneMatch: header(ifNoneMatch),
      dryRun,
      ...accessOf(request as IdentifiedRequest),
    });
    const view = { ...toApplicationView(environment, result.document, result.application), warnings: result.warnings };
    if (result.outcome === 'dry-run') {
      return result.deliveries ? { ...view, dryRun: true, deliveries: result.deliveries } : { ...view, dryRun: true };
    }
    response.status(result.outcome === 'created' ? 201 : 200);
    response.setHeader('ETag', entityTag(result.application!.generation));
    if (result.outcome === 'created') {
      response.setHeader(
        'Location',
        `/v1/environments/${encodeURIComponent(environment)}/applications/${encodeURIComponent(name)}`,
      );
    }
    const deliveries = result.deliveries?.length
      ? {
          deliveries: result.deliveries.map((d) => ({
            environment: d.environment,
            outcome: d.outcome,
            ...(d.operation ? { operation: toOperationSummary(d.operation) } : {}),
          })),
        }
      : {};
    if (result.outcome === 'unchanged') return { ...view, ...deliveries, unchanged: true };
    return result.operation
      ? { ...view, ...deliveries, operation: toOperationSummary(result.operation) }
      : { ...view, ...deliveries };
  }

  @Get()
  @RequirePermission(PERMISSIONS.applicationsRead)
  @ApiOperation({ summary: 'List the applications of an environment' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `Page size, 1-${MAX_PAGE} (default 50)` })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'The `next` cursor of the previous page' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Skip this many (slower on deep pages)' })
  @ApiQuery({ name: 'continue', required: false, type: String, description: 'Same as cursor (older name)' })
  @ApiQuery({ name: 'phase', required: false, enum: APPLICATION_PHASES })
  @ApiOkResponse({ type: ApplicationListView })
  @ApiNotFoundResponse({ description: 'Unknown environment' })
  async list(@Param('env') environment: string, @Query() query: Record<string, unknown>): Promise<ApplicationListView> {
    const { limit, after } = pageQuery(query, {
      defaultLimit: 50,
      maxLimit: MAX_PAGE,
      accept: isString,
      alias: 'continue',
    });
    const offset = integerQuery('offset', query.offset, { min: 0, max: 1_000_000_000, fallback: 0 });
    const phase = enumQuery('phase', query.phase, APPLICATION_PHASES);
    const page = await this.applications.list(environment, { limit, offset, phase, after });
    const last = page.items.at(-1);
    const next = page.more && last ? encodeCursor(last.name) : undefined;
    return {
      items: page.items.map(toSummaryView),
      total: page.total,
      limit,
      offset: after === undefined ? offset : 0,
      ...(next ? { continue: next, next } : {}),
    };
  }

  @Get(':app')
  @RequirePermission(PERMISSIONS.applicationsRead)
  @ApiOperation({ summary: 'Get an application with its status per component' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  async get(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApplicationView> {
    const { application, document } = await this.applications.get(environment, name);
    response.setHeader('ETag', entityTag(application.generation));
    const [status, deliveries] = await Promise.all([
      this.lifecycle.status(application, document),
      this.applications.deliveriesOf(environment, name),
    ]);
    return toApplicationView(environment, document, application, status, deliveries);
  }

  @Get(':app/revisions')
  @RequirePermission(PERMISSIONS.applicationsRead)
  @ApiOperation({ summary: "List an application's revisions" })
  @ApiCursorPage({ defaultLimit: 100, maxLimit: MAX_PAGE })
  @ApiOkResponse({ type: RevisionListView, description: 'Newest first; specs redacted' })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  async revisions(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Query() query: Record<string, unknown>,
  ): Promise<RevisionListView> {
    const page = pageQuery(query, { defaultLimit: 100, maxLimit: MAX_PAGE, accept: isInteger });
    const { application, revisions } = await this.applications.revisions(environment, name, {
      limit: page.limit + 1,
      before: page.after,
    });
    const next = nextCursor(revisions, page.limit, (r) => Number(r.generation));
    return {
      items: revisions.slice(0, page.limit).map((revision) => toRevisionView(revision, application.currentRevisionId)),
      ...(next ? { next } : {}),
    };
  }

  @Delete(':app')
  @RequirePermission(PERMISSIONS.applicationsWrite)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Delete an application: its workloads, then its cloud components in reverse dependency order',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiQuery({
    name: 'orphan',
    required: false,
    type: Boolean,
    description: 'Keep every cloud resource, recorded as retained',
  })
  @ApiAcceptedResponse({
    type: ApplicationView,
    description: 'Marked for deletion (phase Deleting), with the queued `operation`',
  })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  @ApiConflictResponse({ description: 'The application changed concurrently' })
  @ApiPreconditionFailedResponse({ description: 'If-Match does not hold' })
  async delete(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Query('orphan') orphanParam: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApplicationView> {
    const orphan = booleanQuery('orphan', orphanParam);
    const { application, document, operation, deliveries } = await this.applications.requestDeletion(
      environment,
      name,
      header(ifMatch),
      orphan,
      accessOf(request),
    );
    response.setHeader('ETag', entityTag(application.generation));
    return {
      ...toApplicationView(environment, document, application),
      operation: toOperationSummary(operation),
      ...(deliveries.length
        ? {
            deliveries: deliveries.map((d) => ({
              environment: d.environment,
              outcome: d.outcome,
              ...(d.operation ? { operation: toOperationSummary(d.operation) } : {}),
            })),
          }
        : {}),
    };
  }
}
