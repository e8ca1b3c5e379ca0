import { ApiTokenEntity } from './api-token.entity';
import { ApplicationRevisionEntity } from './application-revision.entity';
import { ApplicationEntity, type StoredWorkflow } from './application.entity';
import { ConnectionSecretEntity, type SecretKeyInfo } from './connection-secret.entity';
import { DeletedApplicationEntity } from './deleted-application.entity';
import { EnvironmentEntity } from './environment.entity';
import { ManagedResourceEntity, recordedResource } from './managed-resource.entity';
import { OperationEventEntity } from './operation-event.entity';
import {
  OperationEntity,
  STEP_STATES,
  type OperationOptions,
  type StepRecord,
  type StepState,
} from './operation.entity';
import { AuditRecordEntity } from './audit-record.entity';
import { RoleBindingEntity } from './role-binding.entity';
import { WorkloadDeliveryEntity, type DeliveredVariable } from './workload-delivery.entity';

export {
  ApiTokenEntity,
  ApplicationEntity,
  AuditRecordEntity,
  RoleBindingEntity,
  ApplicationRevisionEntity,
  ConnectionSecretEntity,
  DeletedApplicationEntity,
  EnvironmentEntity,
  ManagedResourceEntity,
  recordedResource,
  OperationEntity,
  OperationEventEntity,
  STEP_STATES,
  WorkloadDeliveryEntity,
};
export type { DeliveredVariable, StoredWorkflow, OperationOptions, SecretKeyInfo, StepRecord, StepState };

/** Every entity of the service, in one list the data source registers. Later modules append theirs here. */
export const ENTITIES = [
  EnvironmentEntity,
  ApplicationEntity,
  ApplicationRevisionEntity,
  OperationEntity,
  OperationEventEntity,
  ManagedResourceEntity,
  recordedResource,
  ConnectionSecretEntity,
  WorkloadDeliveryEntity,
  DeletedApplicationEntity,
  ApiTokenEntity,
  RoleBindingEntity,
  AuditRecordEntity,
];
