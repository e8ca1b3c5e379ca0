import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiCursorPage, isStringPair, nextCursor, pageQuery } from '../http/cursor-page';
import { badQuery, booleanQuery } from '../http/query-params';
import { ApiOkRepresentations } from '../openapi/api-ok-representations.decorator';
import { BrokerError } from '../problems/broker.error';
import { LifecycleService, toDotenv } from './lifecycle.service';
import {
  OperationAcceptedView,
  OperationListView,
  type OperationSummaryView,
  toOperationSummary,
  WorkloadEnvView,
} from './operation.views';
import { workflowStatus } from '@berth/core';
import { WorkflowRunner } from '../workflow/workflow-runner.service';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

@ApiTags('applications')
@Controller('v1/environments/:env/applications')
export class ApplicationLifecycleController {
  constructor(
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(WorkflowRunner) private readonly workflows: WorkflowRunner,
  ) {}

  /** `POST …/{app}:retry` and `POST …/{app}:refresh` (the colon is part of the last path segment). */
  @Post(':target')
  @RequirePermission(PERMISSIONS.applicationsWrite)
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Retry the last failed operation (`{app}:retry`), queue a refresh (`{app}:refresh`), or resume (`{app}:resume`) or terminate (`{app}:terminate`) its workflow',
  })
  @ApiAcceptedResponse({
    type: OperationAcceptedView,
    description: '`{app}:retry` resumes the last failed operation; `{app}:refresh` queues a refresh',
  })
  @ApiNotFoundResponse({ description: 'Unknown environment, application or action' })
  @ApiConflictResponse({ description: 'Nothing to retry' })
  async action(
    @Param('env') environment: string,
    @Param('target') target: string,
  ): Promise<{ operation: OperationSummaryView } | { workflow: ReturnType<typeof workflowStatus> }> {
    const match = /^(.+):(retry|refresh|resume|terminate)$/.exec(target);
    if (!match)
      throw BrokerError.notFound(
        `action ${JSON.stringify(target.slice(0, 100))} (use {app}:retry, {app}:refresh, {app}:resume or {app}:terminate)`,
      );
    if (match[2] === 'resume' || match[2] === 'terminate') {
      const state =
        match[2] === 'resume'
          ? await this.workflows.resume(environment, match[1])
          : await this.workflows.terminate(environment, match[1]);
      return { workflow: workflowStatus(state) };
    }
    const application = await this.lifecycle.requireApplication(environment, match[1]);
    if (match[2] === 'retry' && this.workflows.retries(application)) {
      return { workflow: workflowStatus(await this.workflows.retry(environment, match[1])) };
    }
    const operation =
      match[2] === 'retry' ? await this.lifecycle.retry(application) : await this.lifecycle.refresh(application);
    return { operation: toOperationSummary(operation) };
  }

  @Get(':app/operations')
  @RequirePermission(PERMISSIONS.applicationsRead)
  @ApiOperation({ summary: "List an application's operations" })
  @ApiCursorPage({ defaultLimit: 100, maxLimit: 500 })
  @ApiOkResponse({ type: OperationListView, description: 'Newest first' })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  async operations(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Query() query: Record<string, unknown>,
  ): Promise<OperationListView> {
    const page = pageQuery(query, { defaultLimit: 100, maxLimit: 500, accept: isStringPair });
    const before = page.after ? { createdAt: new Date(page.after[0]), id: page.after[1] } : undefined;
    if (before && Number.isNaN(before.createdAt.getTime()))
      throw badQuery('cursor', 'must be a cursor from a previous page (the `next` field)');
    const application = await this.lifecycle.requireApplication(environment, name);
    const rows = await this.lifecycle.listOperations(application, page.limit + 1, before);
    const next = nextCursor(rows, page.limit, (o) => [o.createdAt.toISOString(), o.id]);
    return { items: rows.slice(0, page.limit).map(toOperationSummary), ...(next ? { next } : {}) };
  }

  @Get(':app/components/:component/env')
  @RequirePermission(PERMISSIONS.applicationsRead, { revealQuery: 'reveal' })
  @ApiOperation({ summary: 'Get the variables bound into a workload (JSON, or a dotenv file)' })
  @ApiQuery({ name: 'reveal', required: false, type: Boolean, description: 'Include the values of sensitive keys' })
  @ApiOkRepresentations('JSON, or a dotenv file with Accept: text/plain', {
    'application/json': WorkloadEnvView,
    'text/plain': String,
  })
  @ApiNotFoundResponse({
    description: 'Unknown environment, application, or no delivered environment for the component',
  })
  async env(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Param('component') component: string,
    @Query('reveal') revealParam: unknown,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkloadEnvView | string> {
    const reveal = booleanQuery('reveal', revealParam);
    const application = await this.lifecycle.requireApplication(environment, name);
    const view = await this.lifecycle.workloadEnv(application, component, reveal);
    response.setHeader('Cache-Control', 'no-store');
    if (accept?.includes('text/plain') && !accept.includes('application/json')) {
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      return toDotenv(view.variables);
    }
    return view;
  }
}
