import { Module } from '@nestjs/common';
import { RotationController } from './rotation.controller';
import { RotationService } from './rotation.service';

/** Credential rotation of rds / oss components (the steps themselves run in the lifecycle worker). */
@Module({
  controllers: [RotationController],
  providers: [RotationService],
})
export class RotationModule {}
