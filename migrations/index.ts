import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763740800000 } from './1763740800000-initial-schema.migration';
import { Lifecycle1763827200000 } from './1763827200000-lifecycle.migration';
import { Access1764547200000 } from './1764547200000-access.migration';
import { EnvironmentLabels1764633600000 } from './1764633600000-environment-labels.migration';
import { Deliveries1764637200000 } from './1764637200000-deliveries.migration';
import { Actors1764720000000 } from './1764720000000-actors.migration';
import { WorkflowState1764806400000 } from './1764806400000-workflow-state.migration';
import { WorkflowLease1764892800000 } from './1764892800000-workflow-lease.migration';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  InitialSchema1763740800000,
  Lifecycle1763827200000,
  Access1764547200000,
  EnvironmentLabels1764633600000,
  Deliveries1764637200000,
  Actors1764720000000,
  WorkflowState1764806400000,
  WorkflowLease1764892800000,
];
