import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OperationAcceptedView, type OperationSummaryView, toOperationSummary } from '../lifecycle/operation.views';
import { BrokerError } from '../problems/broker.error';
import { RotationService } from './rotation.service';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

@ApiTags('applications')
@Controller('v1/environments/:env/applications/:app/components')
export class RotationController {
  constructor(@Inject(RotationService) private readonly rotation: RotationService) {}

  /** `POST …/components/{c}:rotate` (the colon is part of the last path segment). */
  @Post(':target')
  @RequirePermission(PERMISSIONS.applicationsWrite)
  @HttpCode(202)
  @ApiOperation({ summary: "Rotate a component's credentials (`{component}:rotate`, rds and oss)" })
  @ApiAcceptedResponse({
    type: OperationAcceptedView,
    description: 'A `rotate` operation: new credentials, bound workloads rolled, then the old credentials revoked',
  })
  @ApiNotFoundResponse({ description: 'Unknown environment, application, component or action' })
  @ApiConflictResponse({ description: 'The component is not Ready, or another operation is queued or running' })
  @ApiUnprocessableEntityResponse({ description: 'Not an rds or oss, or its password is given in the application' })
  async action(
    @Param('env') environment: string,
    @Param('app') application: string,
    @Param('target') target: string,
  ): Promise<{ operation: OperationSummaryView }> {
    const match = /^(.+):rotate$/.exec(target);
    if (!match) throw BrokerError.notFound(`action ${JSON.stringify(target.slice(0, 100))} (use {component}:rotate)`);
    return { operation: toOperationSummary(await this.rotation.rotate(environment, application, match[1]!)) };
  }
}
