import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthView, ReadinessView } from './health.views';
import { ReadinessService } from './readiness.service';
import { Public } from '../access/permission.decorator';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(ReadinessService) private readonly readiness: ReadinessService) {}

  /** The process is up and serving HTTP. */
  @Get('healthz')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process is up and serves HTTP' })
  @ApiOkResponse({ type: HealthView, description: 'The process is up' })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency answers (the database; later issues add provider availability). */
  @Get('readyz')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Readiness: the database and the providers in use answer' })
  @ApiOkResponse({ type: ReadinessView, description: 'Ready: every check passed' })
  @ApiServiceUnavailableResponse({ type: ReadinessView, description: 'Not ready: `checks` names what is failing' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const { ready, checks } = await this.readiness.run();
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'failing', checks };
  }
}
