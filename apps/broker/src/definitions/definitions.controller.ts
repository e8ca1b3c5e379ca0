import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiNotAcceptableResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { getDefinition, listDefinitions, type Definition, type DefinitionSummary } from '@berth/oam';
import type { Request, Response } from 'express';
import { ApiCursorPage, isString, nextCursor, pageQuery } from '../http/cursor-page';
import { ApiOkRepresentations } from '../openapi/api-ok-representations.decorator';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { DefinitionListView, DefinitionView } from './definition.views';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

@ApiTags('definitions')
@Controller('v1/definitions')
export class DefinitionsController {
  @Get()
  @RequirePermission(PERMISSIONS.definitionsRead)
  @ApiOperation({ summary: 'List the component types and traits' })
  @ApiCursorPage({ defaultLimit: 100, maxLimit: 500 })
  @ApiOkResponse({ type: DefinitionListView })
  list(@Query() query: Record<string, unknown>): { items: DefinitionSummary[]; next?: string } {
    // By name, key-paged like every other list (`?limit=&cursor=` → `next`).
    const page = pageQuery(query, { defaultLimit: 100, maxLimit: 500, accept: isString });
    const after = page.after;
    const rows = listDefinitions()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .filter((definition) => after === undefined || definition.name > after)
      .slice(0, page.limit + 1);
    const next = nextCursor(rows, page.limit, (definition) => definition.name);
    return { items: rows.slice(0, page.limit), ...(next ? { next } : {}) };
  }

  /** JSON Schema, connection keys and a Markdown table of the properties (what `vela show` prints). */
  @Get(':type')
  @RequirePermission(PERMISSIONS.definitionsRead)
  @ApiOperation({ summary: 'Get a component type or trait: properties schema, connection keys, Markdown' })
  @ApiOkRepresentations('The definition; with `Accept: text/markdown`, its Markdown (properties and connection keys)', {
    'application/json': DefinitionView,
    'text/markdown': String,
  })
  @ApiNotFoundResponse({ description: 'No component type or trait of that name or alias' })
  @ApiNotAcceptableResponse({ description: 'Accept names neither application/json nor text/markdown' })
  get(
    @Param('type') type: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Definition | string {
    const definition = getDefinition(type);
    if (!definition) {
      const known = listDefinitions()
        .map((d) => d.name)
        .join(', ');
      throw new BrokerError(
        BrokerErrorCode.NotFound,
        `no definition named ${JSON.stringify(type.slice(0, 100))}; known: ${known}`,
      );
    }
    const wanted = request.accepts(['application/json', 'text/markdown']);
    if (wanted === false) {
      throw new BrokerError(
        BrokerErrorCode.NotAcceptable,
        'this resource is available as application/json or text/markdown',
      );
    }
    if (wanted === 'text/markdown') {
      response.setHeader('Content-Type', 'text/markdown; charset=utf-8');
      return definition.markdown;
    }
    return definition;
  }
}
