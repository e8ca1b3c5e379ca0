import type { LocalState } from './local-state';

/** What the resource modules need of the provider's state: a consistent read, and exclusive read-modify-write. */
export interface StateStore<T extends object = LocalState> {
  /** The current document; changing the returned object changes nothing stored. */
  read(): Promise<T>;
  /** Runs `mutate` on a draft, exclusively; when it resolves the draft is persisted. When it throws nothing changes. */
  update<R>(mutate: (draft: T) => R | Promise<R>): Promise<R>;
}
