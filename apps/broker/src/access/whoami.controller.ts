import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { IdentifiedRequest } from './access.guard';
import { RequirePermission } from './permission.decorator';
import { PERMISSIONS } from './permissions';
import { WHOAMI_SCHEMA } from './access.schemas';

export interface WhoamiView {
  subject: string;
  tokenName: string | null;
  groups: string[];
  roles: Array<{ role: string; scope: string }>;
}

@ApiTags('access')
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @RequirePermission(PERMISSIONS.identityRead)
  @ApiOperation({ summary: 'Who the credentials sent identify, and their roles' })
  @ApiOkResponse({
    schema: WHOAMI_SCHEMA,
    description: '`subject`, `tokenName`, OIDC `groups`, and every role binding that applies',
  })
  whoami(@Req() request: IdentifiedRequest): WhoamiView {
    const identity = request.identity!;
    return {
      subject: identity.subject,
      tokenName: identity.tokenName ?? null,
      groups: [...identity.groups],
      roles: identity.roles.map(({ role, scope }) => ({ role, scope })),
    };
  }
}
