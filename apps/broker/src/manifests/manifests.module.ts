import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module';
import { ManifestsController } from './manifests.controller';
import { ManifestsService } from './manifests.service';

/** `GET …/applications/{app}/manifests`: the application's Kubernetes objects as a YAML stream (GitOps). */
@Module({
  imports: [EnvironmentsModule],
  controllers: [ManifestsController],
  providers: [ManifestsService],
})
export class ManifestsModule {}
