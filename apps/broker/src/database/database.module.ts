import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  ApiTokenRepository,
  AuditRecordRepository,
  ApplicationRepository,
  createDataSource,
  EnvironmentRepository,
  ManagedResourceRepository,
  OperationRepository,
  PersistenceError,
  PersistenceErrorCode,
  prepareSchema,
  RoleBindingRepository,
  SealedValueRepository,
  WorkloadDeliveryRepository,
} from '@berth/persistence';
import { DataSource } from 'typeorm';
import type { BerthConfig } from '../config/berth-config';

/** Opens the configured database and brings its schema up to date per the boot policy. */
export async function openDatabase(config: BerthConfig): Promise<DataSource> {
  const dataSource = createDataSource({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
    poolSize: config.databasePoolSize,
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    const where = config.databaseKind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`;
    throw new PersistenceError(
      PersistenceErrorCode.Unavailable,
      `cannot open the database: ${where}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    // Embedded SQLite belongs to this process: migrate it. A shared PostgreSQL is migrated on purpose only.
    const policy = config.databaseKind === 'sqlite' || config.migrateOnBoot ? 'run' : 'refuse-if-pending';
    await prepareSchema(dataSource, policy);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    await this.dataSource.destroy();
    this.logger.log('database connection closed');
  }
}

/** Every repository of @berth/persistence: the app layer reads and writes the database through these only. */
const REPOSITORIES = [
  EnvironmentRepository,
  ApplicationRepository,
  OperationRepository,
  ManagedResourceRepository,
  WorkloadDeliveryRepository,
  ApiTokenRepository,
  RoleBindingRepository,
  SealedValueRepository,
  AuditRecordRepository,
] as const;

/** The DataSource and the repositories, available to every module. */
@Global()
@Module({})
export class DatabaseModule {
  /** With an already opened DataSource (createApp opens it first, so database errors surface before Nest boots). */
  static forRoot(config: BerthConfig, dataSource?: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        dataSource
          ? { provide: DataSource, useValue: dataSource }
          : { provide: DataSource, useFactory: () => openDatabase(config) },
        ...REPOSITORIES.map((repository) => ({
          provide: repository,
          useFactory: (ds: DataSource) => new repository(ds),
          inject: [DataSource],
        })),
        DatabaseShutdown,
      ],
      exports: [DataSource, ...REPOSITORIES],
    };
  }
}
