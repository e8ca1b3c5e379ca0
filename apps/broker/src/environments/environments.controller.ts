import { Controller, Get, Inject, Param, Put, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { readDocument } from '../http/document-body';
import { EnvironmentBodyDto, EnvironmentListView, EnvironmentView } from './environment.dto';
import { EnvironmentsService, toEnvironmentView } from './environments.service';

@ApiTags('environments')
@Controller('v1/environments')
export class EnvironmentsController {
  constructor(
    @Inject(EnvironmentsService) private readonly environments: EnvironmentsService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  @Get()
  @ApiOkResponse({ type: EnvironmentListView })
  async list(): Promise<EnvironmentListView> {
    return { items: (await this.environments.list()).map(toEnvironmentView) };
  }

  @Get(':env')
  @ApiOkResponse({ type: EnvironmentView })
  @ApiNotFoundResponse({ description: 'No such environment' })
  async get(@Param('env') name: string): Promise<EnvironmentView> {
    return toEnvironmentView(await this.environments.require(name));
  }

  @Put(':env')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ type: EnvironmentBodyDto })
  @ApiCreatedResponse({ type: EnvironmentView, description: 'Created' })
  @ApiOkResponse({ type: EnvironmentView, description: 'Replaced' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body; `errors` lists every problem with its JSON pointer' })
  async put(
    @Param('env') name: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EnvironmentView> {
    const { document } = await readDocument(request, this.config.maxBodyBytes);
    const { environment, created } = await this.environments.put(name, document);
    response.status(created ? 201 : 200);
    return toEnvironmentView(environment);
  }
}
