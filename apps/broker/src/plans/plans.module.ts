import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

/** `GET …/applications/{app}/plan` and the plan of a dry run (PUT …?dryRun=true&plan=true). */
@Module({
  imports: [EnvironmentsModule],
  controllers: [PlansController],
  providers: [PlansService],
  exports: [PlansService],
})
export class PlansModule {}
