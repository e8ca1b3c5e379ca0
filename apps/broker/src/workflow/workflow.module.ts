import { Global, Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { WorkflowRunner } from './workflow-runner.service';

/** Runs `spec.workflow` (issue 13); global so the application action route (`:resume`, `:terminate`) reaches it. */
@Global()
@Module({
  imports: [ApplicationsModule],
  providers: [WorkflowRunner],
  exports: [WorkflowRunner],
})
export class WorkflowModule {}
