import { ApplicationRevisionEntity } from './application-revision.entity';
import { ApplicationEntity } from './application.entity';
import { EnvironmentEntity } from './environment.entity';

export { ApplicationEntity, ApplicationRevisionEntity, EnvironmentEntity };

/** Every entity of the service, in one list the data source registers. Later modules append theirs here. */
export const ENTITIES = [EnvironmentEntity, ApplicationEntity, ApplicationRevisionEntity];
