import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';

@Module({
  imports: [EnvironmentsModule, PlansModule],
  controllers: [ApplicationsController],
  providers: [ApplicationsService],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}
