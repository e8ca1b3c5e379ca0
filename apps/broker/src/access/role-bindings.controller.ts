import { Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AccessRequestBody,
  AccessResourceController,
  CreateRoute,
  ListRoute,
  RemoveRoute,
} from './access-resource.routes';
import { ROLE_BINDING_LIST_SCHEMA, ROLE_BINDING_SCHEMA } from './access.schemas';
import { PERMISSIONS } from './permissions';
import { RoleBindingsService, type RoleBindingView, toRoleBindingView } from './role-bindings.service';

@AccessResourceController('v1/role-bindings')
export class RoleBindingsController {
  constructor(
    @Inject(RoleBindingsService) private readonly bindings: RoleBindingsService,
    @Inject(AccessRequestBody) private readonly body: AccessRequestBody,
  ) {}

  @CreateRoute(PERMISSIONS.roleBindingsManage, {
    summary:
      'Grant a role (`{subject: token:<name> | user:<sub> | group:<group>, role, scope: service | environment:<name> | application:<env>/<app>}`)',
    required: ['subject', 'role', 'scope'],
    schema: ROLE_BINDING_SCHEMA,
    created: 'Created',
    existed: 'The same binding existed already',
    invalid: 'Invalid subject, role or scope',
  })
  async create(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<RoleBindingView> {
    const { binding, created } = await this.bindings.create(await this.body.read(request));
    response.status(created ? 201 : 200);
    return toRoleBindingView(binding);
  }

  @ListRoute(PERMISSIONS.roleBindingsManage, {
    summary: 'List the role bindings',
    schema: ROLE_BINDING_LIST_SCHEMA,
    items: 'the bindings',
  })
  @ApiQuery({ name: 'subject', required: false, type: String, description: 'Only the bindings of this subject' })
  async list(@Query('subject') subject: unknown): Promise<{ items: RoleBindingView[] }> {
    const only = typeof subject === 'string' && subject !== '' ? subject : undefined;
    return { items: (await this.bindings.list(only)).map(toRoleBindingView) };
  }

  @RemoveRoute(PERMISSIONS.roleBindingsManage, {
    param: 'id',
    summary: 'Remove a role binding (effective on the next request)',
    schema: ROLE_BINDING_SCHEMA,
    removed: 'The removed binding',
    notFound: 'No such binding',
  })
  async delete(@Param('id') id: string): Promise<RoleBindingView> {
    return toRoleBindingView(await this.bindings.delete(id));
  }
}
