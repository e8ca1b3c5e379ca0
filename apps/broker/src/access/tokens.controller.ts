import { Inject, Param, Req } from '@nestjs/common';
import type { IdentifiedRequest } from './access.guard';
import {
  AccessRequestBody,
  AccessResourceController,
  CreateRoute,
  ListRoute,
  RemoveRoute,
} from './access-resource.routes';
import { CREATED_TOKEN_SCHEMA, TOKEN_LIST_SCHEMA, TOKEN_SCHEMA } from './access.schemas';
import { PERMISSIONS } from './permissions';
import { TokensService, type TokenView } from './tokens.service';

@AccessResourceController('v1/tokens')
export class TokensController {
  constructor(
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(AccessRequestBody) private readonly body: AccessRequestBody,
  ) {}

  @CreateRoute(PERMISSIONS.tokensManage, {
    summary: 'Create an API token (`{name, owner?, expiresAt?, roles?: [{role, scope}]}`); its secret is shown once',
    required: ['name'],
    schema: CREATED_TOKEN_SCHEMA,
    created: '`token` (the secret, shown only now) and the token as listed',
    invalid: 'Invalid name, owner, expiry or role binding',
  })
  async create(@Req() request: IdentifiedRequest): Promise<TokenView & { token: string }> {
    const { token, view } = await this.tokens.create(
      await this.body.read(request),
      request.identity?.subject ?? 'unknown',
    );
    return { ...view, token };
  }

  @ListRoute(PERMISSIONS.tokensManage, {
    summary: 'List the API tokens (never their secrets)',
    schema: TOKEN_LIST_SCHEMA,
    items: 'every token, revoked ones included',
  })
  async list(): Promise<{ items: TokenView[] }> {
    return { items: await this.tokens.list() };
  }

  @RemoveRoute(PERMISSIONS.tokensManage, {
    param: 'name',
    summary: 'Revoke an API token: the next request made with it is refused',
    schema: TOKEN_SCHEMA,
    removed: 'The revoked token',
    notFound: 'No such token',
  })
  async revoke(@Param('name') name: string): Promise<TokenView> {
    return this.tokens.revoke(name);
  }
}
