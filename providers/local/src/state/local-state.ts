import type { CloudComponentType } from '@berth/core';

/** What the provider remembers about one resource it created (persisted in `<dataDir>/local/resources/<id>.json`). */
export interface ResourceRecord<D = Record<string, unknown>> {
  id: string;
  type: CloudComponentType;
  idempotencyKey: string;
  environment: string;
  application: string;
  component: string;
  /** Non-secret outputs last returned by apply: what the issued connection secret says. refresh compares with these. */
  outputs: Record<string, string>;
  data: D;
  createdAt: string;
  updatedAt: string;
}

export interface LocalState {
  version: 1;
  /** By resource id; `data` is typed by each resource module. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resources: Record<string, ResourceRecord<any>>;
  /**
   * Shared embedded services by name (the S3 endpoint's, PostgreSQL's, Redis's port, kept across restarts when free);
   * each handler keeps its own under a name of its choosing.
   */
  services?: Partial<Record<string, { port: number }>>;
}

export const emptyState = (): LocalState => ({ version: 1, resources: {} });
