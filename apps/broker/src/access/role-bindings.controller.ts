import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { readDocument } from '../http/document-body';
import { JSON_MEDIA_TYPES } from '@berth/oam';
import { RequirePermission } from './permission.decorator';
import { PERMISSIONS } from './permissions';
import { RoleBindingsService, type RoleBindingView, toRoleBindingView } from './role-bindings.service';
import { ROLE_BINDING_LIST_SCHEMA, ROLE_BINDING_SCHEMA } from './access.schemas';

@ApiTags('access')
@Controller('v1/role-bindings')
export class RoleBindingsController {
  constructor(
    @Inject(RoleBindingsService) private readonly bindings: RoleBindingsService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  @Post()
  @RequirePermission(PERMISSIONS.roleBindingsManage)
  @ApiOperation({
    summary:
      'Grant a role (`{subject: token:<name> | user:<sub> | group:<group>, role, scope: service | environment:<name>}`)',
  })
  @ApiConsumes(...JSON_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'object', required: ['subject', 'role', 'scope'] } })
  @ApiCreatedResponse({ schema: ROLE_BINDING_SCHEMA, description: 'Created' })
  @ApiOkResponse({ schema: ROLE_BINDING_SCHEMA, description: 'The same binding existed already' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid subject, role or scope' })
  async create(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<RoleBindingView> {
    const { document } = await readDocument(request, this.config.maxBodyBytes);
    const { binding, created } = await this.bindings.create(document);
    response.status(created ? 201 : 200);
    return toRoleBindingView(binding);
  }

  @Get()
  @RequirePermission(PERMISSIONS.roleBindingsManage)
  @ApiOperation({ summary: 'List the role bindings' })
  @ApiQuery({ name: 'subject', required: false, type: String, description: 'Only the bindings of this subject' })
  @ApiOkResponse({ schema: ROLE_BINDING_LIST_SCHEMA, description: '`items`: the bindings' })
  async list(@Query('subject') subject: unknown): Promise<{ items: RoleBindingView[] }> {
    const only = typeof subject === 'string' && subject !== '' ? subject : undefined;
    return { items: (await this.bindings.list(only)).map(toRoleBindingView) };
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.roleBindingsManage)
  @ApiOperation({ summary: 'Remove a role binding (effective on the next request)' })
  @ApiOkResponse({ schema: ROLE_BINDING_SCHEMA, description: 'The removed binding' })
  @ApiNotFoundResponse({ description: 'No such binding' })
  async delete(@Param('id') id: string): Promise<RoleBindingView> {
    return toRoleBindingView(await this.bindings.delete(id));
  }
}
