import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { booleanQuery } from '../http/query-params';
import { ApiOkRepresentations } from '../openapi/api-ok-representations.decorator';
import { ManifestsService } from './manifests.service';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

@ApiTags('applications')
@Controller('v1/environments/:env/applications')
export class ManifestsController {
  constructor(@Inject(ManifestsService) private readonly service: ManifestsService) {}

  @Get(':app/manifests')
  @RequirePermission(PERMISSIONS.applicationsRead, { revealQuery: 'includeSecrets' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Render the Kubernetes manifests of an application (GitOps), without applying them' })
  @ApiQuery({
    name: 'includeSecrets',
    required: false,
    type: Boolean,
    description: 'Secret values (base64 `data`) instead of `<redacted>`',
  })
  @ApiOkRepresentations('The Kubernetes objects of the application as a YAML stream (GitOps)', {
    'application/yaml': String,
  })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  @ApiConflictResponse({ description: 'The application has no current revision, or it cannot be rendered here' })
  async manifests(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Query('includeSecrets') includeSecrets: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const include = booleanQuery('includeSecrets', includeSecrets);
    const rendered = await this.service.render(environment, name, include);
    response.setHeader('Content-Type', 'application/yaml; charset=utf-8');
    if (rendered.pending.length > 0)
      response.setHeader('X-Berth-Pending-Workloads', rendered.pending.map((p) => p.component).join(','));
    return rendered.yaml;
  }
}
