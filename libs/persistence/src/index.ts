export * from './data-source/data-source.factory';
export * from './entities';
export * from './entities/column-types';
export * from './errors/persistence.error';
export * from './repositories/application.repository';
export * from './repositories/environment.repository';
export * from './repositories/workload-delivery.repository';
