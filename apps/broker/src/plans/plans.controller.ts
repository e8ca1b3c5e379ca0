import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PlanView } from './plan.views';
import { PlansService } from './plans.service';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

@ApiTags('applications')
@Controller('v1/environments/:env/applications')
export class PlansController {
  constructor(@Inject(PlansService) private readonly plans: PlansService) {}

  /**
   * What applying the current revision would do: per component the adapter and why, the planned action, and the
   * provider's preview where it is available. Read-only; an unavailable or failing provider is reported per component.
   */
  @Get(':app/plan')
  @RequirePermission(PERMISSIONS.applicationsRead)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Plan: what applying the current revision would do, per component' })
  @ApiOkResponse({ type: PlanView })
  @ApiNotFoundResponse({ description: 'Unknown environment or application' })
  @ApiUnprocessableEntityResponse({ description: 'The stored revision is no longer valid in this environment' })
  async plan(@Param('env') environment: string, @Param('app') name: string): Promise<PlanView> {
    return (await this.plans.planStored(environment, name)) as PlanView;
  }
}
