import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { readDocument } from '../http/document-body';
import { JSON_MEDIA_TYPES } from '@berth/oam';
import type { IdentifiedRequest } from './access.guard';
import { RequirePermission } from './permission.decorator';
import { PERMISSIONS } from './permissions';
import { TokensService, type TokenView } from './tokens.service';
import { CREATED_TOKEN_SCHEMA, TOKEN_LIST_SCHEMA, TOKEN_SCHEMA } from './access.schemas';

@ApiTags('access')
@Controller('v1/tokens')
export class TokensController {
  constructor(
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  @Post()
  @RequirePermission(PERMISSIONS.tokensManage)
  @ApiOperation({
    summary: 'Create an API token (`{name, owner?, expiresAt?, roles?: [{role, scope}]}`); its secret is shown once',
  })
  @ApiConsumes(...JSON_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'object', required: ['name'] } })
  @ApiCreatedResponse({
    schema: CREATED_TOKEN_SCHEMA,
    description: '`token` (the secret, shown only now) and the token as listed',
  })
  @ApiUnprocessableEntityResponse({ description: 'Invalid name, owner, expiry or role binding' })
  async create(@Req() request: IdentifiedRequest): Promise<TokenView & { token: string }> {
    const { document } = await readDocument(request, this.config.maxBodyBytes);
    const { token, view } = await this.tokens.create(document, request.identity?.subject ?? 'unknown');
    return { ...view, token };
  }

  @Get()
  @RequirePermission(PERMISSIONS.tokensManage)
  @ApiOperation({ summary: 'List the API tokens (never their secrets)' })
  @ApiOkResponse({ schema: TOKEN_LIST_SCHEMA, description: '`items`: every token, revoked ones included' })
  async list(): Promise<{ items: TokenView[] }> {
    return { items: await this.tokens.list() };
  }

  @Delete(':name')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.tokensManage)
  @ApiOperation({ summary: 'Revoke an API token: the next request made with it is refused' })
  @ApiOkResponse({ schema: TOKEN_SCHEMA, description: 'The revoked token' })
  @ApiNotFoundResponse({ description: 'No such token' })
  async revoke(@Param('name') name: string): Promise<TokenView> {
    return this.tokens.revoke(name);
  }
}
