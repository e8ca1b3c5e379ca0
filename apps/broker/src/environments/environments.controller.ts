import { Controller, Get, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import { DOCUMENT_MEDIA_TYPES } from '@berth/oam';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiCursorPage, isString, nextCursor, pageQuery } from '../http/cursor-page';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { readDocument } from '../http/document-body';
import { badQuery, booleanQuery, stringQuery } from '../http/query-params';
import { parseLabelSelector } from '../validation/labels';
import { EnvironmentBodyDto, EnvironmentListView, EnvironmentView } from './environment.dto';
import { EnvironmentsService, toEnvironmentView } from './environments.service';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';
import type { IdentifiedRequest } from '../access/access.guard';

@ApiTags('environments')
@Controller('v1/environments')
export class EnvironmentsController {
  constructor(
    @Inject(EnvironmentsService) private readonly environments: EnvironmentsService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  @Get()
  @RequirePermission(PERMISSIONS.environmentsRead, { scope: 'listing' })
  @ApiOperation({ summary: 'List the environments' })
  @ApiCursorPage({ defaultLimit: 100, maxLimit: 500 })
  @ApiQuery({
    name: 'labelSelector',
    required: false,
    type: String,
    description: 'Only environments carrying every label: `tier=prod,region=eu` (equality terms only)',
  })
  @ApiOkResponse({ type: EnvironmentListView })
  async list(@Query() query: Record<string, unknown>, @Req() request: IdentifiedRequest): Promise<EnvironmentListView> {
    const page = pageQuery(query, { defaultLimit: 100, maxLimit: 500, accept: isString });
    const selectorText = stringQuery('labelSelector', query.labelSelector);
    const parsed = selectorText === undefined ? undefined : parseLabelSelector(selectorText);
    if (parsed && 'problem' in parsed) throw badQuery('labelSelector', parsed.problem);
    const rows = await this.environments.list({ limit: page.limit + 1, after: page.after, labels: parsed?.selector });
    const next = nextCursor(rows, page.limit, (e) => e.name);
    // Only the environments the caller has a role in: the others' names are not shown (a page may come out shorter).
    const visible = rows.slice(0, page.limit).filter((row) => request.identity?.knows(row.name));
    return { items: visible.map(toEnvironmentView), ...(next ? { next } : {}) };
  }

  @Get(':env')
  @RequirePermission(PERMISSIONS.environmentsRead)
  @ApiOperation({ summary: 'Get an environment: its provider profiles and runtime' })
  @ApiOkResponse({ type: EnvironmentView })
  @ApiNotFoundResponse({ description: 'No such environment' })
  async get(@Param('env') name: string): Promise<EnvironmentView> {
    return toEnvironmentView(await this.environments.require(name));
  }

  @Put(':env')
  @RequirePermission(PERMISSIONS.environmentsWrite)
  @ApiOperation({ summary: 'Create or replace an environment' })
  @ApiConsumes(...DOCUMENT_MEDIA_TYPES)
  @ApiBody({ type: EnvironmentBodyDto })
  @ApiCreatedResponse({ type: EnvironmentView, description: 'Created' })
  @ApiOkResponse({ type: EnvironmentView, description: 'Replaced' })
  @ApiQuery({
    name: 'allowUnavailable',
    required: false,
    type: Boolean,
    description:
      'Store the environment even when a profile names an adapter that cannot work here yet (answer has `warnings`)',
  })
  @ApiQuery({
    name: 'dryRun',
    required: false,
    type: Boolean,
    description: 'Validate only and answer what would be stored (`dryRun: true`); store nothing',
  })
  @ApiPayloadTooLargeResponse({ description: 'Body larger than BERTH_MAX_BODY_BYTES' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Neither YAML nor JSON' })
  @ApiUnprocessableEntityResponse({
    description:
      'Invalid body, or a profile whose adapter cannot work here (e.g. the pulumi CLI is missing); `errors` lists every problem with its JSON pointer',
  })
  async put(
    @Param('env') name: string,
    @Query('allowUnavailable') allowUnavailableParam: unknown,
    @Query('dryRun') dryRunParam: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EnvironmentView> {
    const allowUnavailable = booleanQuery('allowUnavailable', allowUnavailableParam);
    const dryRun = booleanQuery('dryRun', dryRunParam);
    const { document } = await readDocument(request, this.config.maxBodyBytes);
    const { environment, created, warnings } = await this.environments.put(name, document, {
      allowUnavailable,
      dryRun,
    });
    response.status(created && !dryRun ? 201 : 200);
    const view: EnvironmentView = toEnvironmentView(environment);
    if (warnings.length) view.warnings = warnings;
    if (dryRun) view.dryRun = true;
    return view;
  }
}
