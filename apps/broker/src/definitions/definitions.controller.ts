import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { getDefinition, listDefinitions, type Definition, type DefinitionSummary } from '@berth/oam';
import type { Request, Response } from 'express';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';

@ApiTags('definitions')
@Controller('v1/definitions')
export class DefinitionsController {
  @Get()
  @ApiOkResponse({ description: '`{ items: [{ name, kind, category, aliases, description }] }`' })
  list(): { items: DefinitionSummary[] } {
    return { items: listDefinitions() };
  }

  /** JSON Schema, connection keys and a Markdown table of the properties (what `vela show` prints). */
  @Get(':type')
  @ApiProduces('application/json', 'text/markdown')
  @ApiOkResponse({ description: 'The definition; with `Accept: text/markdown`, its Markdown table' })
  @ApiNotFoundResponse({ description: 'No component type or trait of that name or alias' })
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
