import { Controller, Get, Header, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { badQuery, booleanQuery, enumQuery, stringQuery } from '../http/query-params';
import { ApiOkRepresentations } from '../openapi/api-ok-representations.decorator';
import { ManifestsService, SECRET_RENDERINGS, type SecretRendering } from './manifests.service';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

@ApiTags('applications')
@Controller('v1/environments/:env/applications')
export class ManifestsController {
  constructor(@Inject(ManifestsService) private readonly service: ManifestsService) {}

  @Get(':app/manifests')
  @RequirePermission(PERMISSIONS.applicationsRead, {
    revealQuery: 'includeSecrets',
    revealWhen: { query: 'secrets', value: 'values' },
  })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Render the Kubernetes manifests of an application (GitOps), without applying them' })
  @ApiQuery({
    name: 'secrets',
    required: false,
    enum: SECRET_RENDERINGS,
    description:
      'How connection secrets are rendered: `external` (default) an External Secrets Operator SecretStore + one ExternalSecret each; `omit` none; `values` Secrets with their values (needs secrets:read)',
  })
  @ApiQuery({
    name: 'berthUrl',
    required: false,
    type: String,
    description: 'With secrets=external: the URL the cluster reaches Berth at (default: the URL of this request)',
  })
  @ApiQuery({
    name: 'includeSecrets',
    required: false,
    type: Boolean,
    description: 'The same as secrets=values (kept for older clients)',
  })
  @ApiOkRepresentations('The Kubernetes objects of the application as a YAML stream (GitOps)', {
    'application/yaml': String,
  })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  @ApiConflictResponse({ description: 'The application has no current revision, or it cannot be rendered here' })
  async manifests(
    @Param('env') environment: string,
    @Param('app') name: string,
    @Query('secrets') secretsParam: unknown,
    @Query('includeSecrets') includeSecrets: unknown,
    @Query('berthUrl') berthUrlParam: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const secrets = secretRendering(secretsParam, includeSecrets);
    const berthUrl = externalUrl(berthUrlParam, request);
    const rendered = await this.service.render(environment, name, { secrets, berthUrl });
    response.setHeader('Content-Type', 'application/yaml; charset=utf-8');
    if (rendered.pending.length > 0)
      response.setHeader('X-Berth-Pending-Workloads', rendered.pending.map((p) => p.component).join(','));
    return rendered.yaml;
  }
}

/** `?secrets=`, or the older `?includeSecrets=true` (= `values`); the two disagreeing is a 400, not a guess. */
function secretRendering(secretsParam: unknown, includeSecretsParam: unknown): SecretRendering {
  const secrets = enumQuery('secrets', secretsParam, SECRET_RENDERINGS);
  const include = includeSecretsParam === undefined ? undefined : booleanQuery('includeSecrets', includeSecretsParam);
  if (secrets && include !== undefined && include !== (secrets === 'values'))
    throw badQuery('includeSecrets', `contradicts secrets=${secrets} (give only secrets=external|omit|values)`);
  return secrets ?? (include ? 'values' : 'external');
}

/** Berth's URL as the cluster reaches it: `?berthUrl=` (an absolute http(s) URL), else this request's. */
function externalUrl(param: unknown, request: Request): string {
  const text = stringQuery('berthUrl', param, 2048);
  if (text === undefined) return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password)
    throw badQuery(
      'berthUrl',
      'must be an absolute http(s) URL without query, fragment or credentials, e.g. https://berth.example.com',
    );
  return url.href.replace(/\/+$/, '');
}
