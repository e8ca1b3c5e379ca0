import { randomUUID } from 'node:crypto';
import type {
  ConnectionSecretEntity,
  DependentUpdate,
  ManagedResourceEntity,
  ManagedResourceRepository,
  ResourceChanges,
  ResourceKey,
  ResourceStore,
} from '@berth/persistence';

type NewResource = ResourceChanges & Pick<ManagedResourceEntity, 'type' | 'category'>;

/** `changes` without the fields it leaves unset (an undefined field is not written). */
function setFields<C extends ResourceChanges>(changes: C): C {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as C;
}

const isNewResource = (changes: ResourceChanges): changes is NewResource =>
  changes.type !== undefined && changes.category !== undefined;

/** `changes` set on a copy of `row`, as the database stores them (an undefined field is not written). */
function merged(row: ManagedResourceEntity, changes: ResourceChanges, now: Date): ManagedResourceEntity {
  return { ...row, ...setFields(changes), updatedAt: now };
}

/**
 * One operation's view of its application's managed resources and their latest connection secrets: read once (the
 * rows with the plan, a secret the first time a step asks for it), then served from memory and kept current by the
 * writes this operation makes through it. That holds because the operation holds the application's lease: no other
 * operation of the application runs meanwhile, and nothing outside operations writes these rows (the API only reads
 * them; the key re-sealer rewrites sealed values in place, which still open with the key they were sealed with).
 * Reads of any other application's rows (a shared resource's owner) go to the repository every time.
 */
export class OperationResources implements ResourceStore {
  private rows: Promise<Map<string, ManagedResourceEntity>> | undefined;
  /**
   * The latest connection secret by resource id (null: the resource has none), of this application's resources; the
   * entities are handed out as they are (nothing changes a secret version once stored).
   */
  private readonly secrets = new Map<string, ConnectionSecretEntity | null>();
  /** Status changes of this application's components not written yet (`defer`), by component. */
  private readonly deferred = new Map<string, ResourceChanges>();
  /**
   * Rows of components met for the first time (a step started on them) that are not in the database yet, by
   * component: each goes there with the first write of its row, in the same INSERT as the step's own fields, or just
   * before the journal's next write (`takeDeferred`) when that comes first — so within the journal's write delay.
   */
  private readonly unwrittenRows = new Map<string, { id: string; createdAt: Date; changes: NewResource }>();
  private beforeRemove: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: ManagedResourceRepository,
    private readonly environmentName: string,
    private readonly applicationName: string,
    /** The application's rows when the caller has just read them (the plan does). */
    loaded?: readonly ManagedResourceEntity[],
  ) {
    if (loaded) this.rows = Promise.resolve(new Map(loaded.map((row) => [row.component, structuredClone(row)])));
  }

  private covers(environmentName: string, applicationName: string): boolean {
    return environmentName === this.environmentName && applicationName === this.applicationName;
  }

  private own(): Promise<Map<string, ManagedResourceEntity>> {
    this.rows ??= this.store.list(this.environmentName, this.applicationName).then((rows) => {
      const byComponent = new Map(rows.map((row) => [row.component, row]));
      for (const [component, unwritten] of this.unwrittenRows) {
        if (byComponent.has(component)) {
          // Written by someone else meanwhile: what this operation would have inserted is an update of that row.
          this.unwrittenRows.delete(component);
          this.deferred.set(component, { ...unwritten.changes, ...this.deferred.get(component) });
        } else byComponent.set(component, this.unwrittenRow(component, unwritten.changes));
      }
      // Read again after a write of unknown outcome: what is deferred is still this operation's latest word.
      for (const [component, changes] of this.deferred) {
        const row = byComponent.get(component);
        if (row) byComponent.set(component, merged(row, changes, row.updatedAt));
      }
      return byComponent;
    });
    return this.rows;
  }

  /** After a write whose outcome is not known here: the rows are read again when next asked for. */
  private forget(): void {
    this.rows = undefined;
    this.secrets.clear();
  }

  async list(environmentName: string, applicationName: string): Promise<ManagedResourceEntity[]> {
    if (!this.covers(environmentName, applicationName)) return this.store.list(environmentName, applicationName);
    const rows = [...(await this.own()).values()].sort((a, b) =>
      a.component < b.component ? -1 : a.component > b.component ? 1 : 0,
    );
    return rows.map((row) => structuredClone(row));
  }

  async find(key: ResourceKey): Promise<ManagedResourceEntity | null> {
    if (!this.covers(key.environmentName, key.applicationName)) return this.store.find(key);
    const row = (await this.own()).get(key.component);
    return row ? structuredClone(row) : null;
  }

  /**
   * The rows of other environments' deliveries (a shared component's users): always read from the database, since
   * other operations write them. A row of the environment this view covers is served from the view.
   */
  async findInEnvironments(
    environmentNames: readonly string[],
    applicationName: string,
    component: string,
  ): Promise<ManagedResourceEntity[]> {
    const others = environmentNames.filter((environment) => !this.covers(environment, applicationName));
    const rows = await this.store.findInEnvironments(others, applicationName, component);
    if (others.length === environmentNames.length) return rows;
    const own = await this.find({ environmentName: this.environmentName, applicationName, component });
    return own ? [own, ...rows] : rows;
  }

  async upsert(key: ResourceKey, changes: NewResource, now = new Date()): Promise<ManagedResourceEntity> {
    if (!this.covers(key.environmentName, key.applicationName)) return this.store.upsert(key, changes, now);
    if (!(await this.wroteThrough(key, changes, now))) {
      const row = await this.store.upsert(key, changes, now);
      this.written(key.component, changes);
      return row;
    }
    return structuredClone((await this.own()).get(key.component)!);
  }

  async set(key: ResourceKey, changes: NewResource, now = new Date()): Promise<void> {
    if (!this.covers(key.environmentName, key.applicationName)) return this.store.set(key, changes, now);
    if (!(await this.wroteThrough(key, changes, now))) {
      await this.store.set(key, changes, now);
      this.written(key.component, changes);
    }
  }

  /** Writes a row of this view's application and keeps it in the view; false when the repository must write it. */
  private async wroteThrough(key: ResourceKey, changes: NewResource, now: Date): Promise<boolean> {
    const rows = await this.own();
    if (await this.insertUnwritten(key.component, changes, now)) return true;
    const existing = rows.get(key.component);
    if (!existing) return this.inserted(key, changes, now);
    await this.store.update(key, changes, now);
    this.written(key.component, changes);
    rows.set(key.component, merged(existing, changes, now));
    return true;
  }

  /** Inserts the row of a component this view has none of; false (and the view forgotten) when the insert failed. */
  private async inserted(key: ResourceKey, changes: NewResource, now: Date): Promise<boolean> {
    const row = this.store.newRow(key, changes, now);
    try {
      await this.store.insert(row);
    } catch {
      // Written by someone else after all (or the insert failed): the caller falls back to the repository's own
      // upsert, which reads the row, and this view reads the rows again next time.
      this.forget();
      return false;
    }
    (await this.own()).set(key.component, row);
    this.written(key.component, changes);
    // A row just made has no connection secret yet.
    this.secrets.set(row.id, null);
    return true;
  }

  async update(key: ResourceKey, changes: ResourceChanges, now = new Date()): Promise<void> {
    if (this.covers(key.environmentName, key.applicationName)) {
      await this.own();
      if (await this.insertUnwritten(key.component, changes, now)) return;
    }
    await this.store.update(key, changes, now);
    if (!this.covers(key.environmentName, key.applicationName)) return;
    this.written(key.component, changes);
    await this.remember(key.component, changes, now);
  }

  /** `changes` on the view's row of `component` (when it has one). */
  private async remember(component: string, changes: ResourceChanges, now: Date): Promise<void> {
    const rows = await this.own();
    const existing = rows.get(component);
    if (existing) rows.set(component, merged(existing, changes, now));
  }

  /** The row an unwritten component has in this view: the defaults, then what was set on it. */
  private unwrittenRow(component: string, changes: NewResource): ManagedResourceEntity {
    const unwritten = this.unwrittenRows.get(component)!;
    const row = this.store.newRow(this.keyOf(component), changes, unwritten.createdAt);
    return { ...row, id: unwritten.id };
  }

  /** The component whose unwritten row has this id, if any. */
  private unwrittenComponent(resourceId: string): string | undefined {
    for (const [component, unwritten] of this.unwrittenRows) if (unwritten.id === resourceId) return component;
    return undefined;
  }

  private keyOf(component: string): ResourceKey {
    return { environmentName: this.environmentName, applicationName: this.applicationName, component };
  }

  /**
   * Inserts the row of `component` when it is one not written yet, with `changes` on top (its first write); false
   * when it is not one. An insert that fails (someone else wrote the row) becomes the repository's upsert.
   */
  private async insertUnwritten(component: string, changes: ResourceChanges, now: Date): Promise<boolean> {
    const unwritten = this.unwrittenRows.get(component);
    if (!unwritten) return false;
    const all = { ...unwritten.changes, ...setFields(changes) };
    const row = { ...this.unwrittenRow(component, all), updatedAt: now };
    this.unwrittenRows.delete(component);
    try {
      await this.store.insert(row);
    } catch {
      this.forget();
      await this.store.upsert(this.keyOf(component), all, now);
      return true;
    }
    (await this.own()).set(component, row);
    return true;
  }

  /**
   * A change of a component's status (phase, conditions, last error) that the view has at once and the database gets
   * with the journal's next write (`takeDeferred`), in the same statement as the step state it goes with. A component
   * without a row (given its type and category) gets one in the view, written with its first write.
   */
  async defer(key: ResourceKey, changes: ResourceChanges, now = new Date()): Promise<void> {
    if (!this.covers(key.environmentName, key.applicationName)) {
      await this.update(key, changes, now);
      return;
    }
    const rows = await this.own();
    const unwritten = this.unwrittenRows.get(key.component);
    if (unwritten || (!rows.has(key.component) && isNewResource(changes))) {
      const all = { ...unwritten?.changes, ...setFields(changes) } as NewResource;
      if (!unwritten) this.unwrittenRows.set(key.component, { id: randomUUID(), createdAt: now, changes: all });
      else unwritten.changes = all;
      const row = { ...this.unwrittenRow(key.component, all), updatedAt: now };
      rows.set(key.component, row);
      // A row not written yet has no connection secret.
      this.secrets.set(row.id, null);
      return;
    }
    this.deferred.set(key.component, { ...this.deferred.get(key.component), ...changes });
    await this.remember(key.component, changes, now);
  }

  /** The deferred changes as updates to go with the journal's write; the view holds none after. */
  async takeDeferred(now = new Date()): Promise<DependentUpdate[]> {
    for (const component of [...this.unwrittenRows.keys()]) await this.insertUnwritten(component, {}, now);
    const updates = await Promise.all(
      [...this.deferred].map(([component, changes]) =>
        this.store.updating(
          { environmentName: this.environmentName, applicationName: this.applicationName, component },
          changes,
          now,
        ),
      ),
    );
    this.deferred.clear();
    return updates;
  }

  /** A write of `changes` went to the database: deferred values of the same fields are older, and dropped. */
  private written(component: string, changes: ResourceChanges): void {
    const deferred = this.deferred.get(component);
    if (!deferred) return;
    for (const field of Object.keys(changes) as Array<keyof ResourceChanges>) {
      if (changes[field] !== undefined) delete deferred[field];
    }
    if (Object.keys(deferred).length === 0) this.deferred.delete(component);
  }

  /**
   * `write` runs before a row of this application is removed: a removed row reads as a component never provisioned,
   * so what the journal holds (the step that removes it is running) is stored first.
   */
  beforeRemoving(write: () => Promise<void>): void {
    this.beforeRemove = write;
  }

  async remove(row: Pick<ManagedResourceEntity, 'id'>): Promise<void> {
    const unwritten = this.unwrittenComponent(row.id);
    if (unwritten !== undefined) {
      // Never written: nothing to remove but the view's row.
      this.unwrittenRows.delete(unwritten);
      (await this.own()).delete(unwritten);
      this.secrets.delete(row.id);
      return;
    }
    if (this.beforeRemove && (await this.ownsResource(row.id))) await this.beforeRemove();
    await this.store.remove(row);
    const rows = await this.own();
    for (const [component, own] of rows)
      if (own.id === row.id) {
        rows.delete(component);
        this.deferred.delete(component);
      }
    this.secrets.delete(row.id);
  }

  private async ownsResource(resourceId: string): Promise<boolean> {
    for (const row of (await this.own()).values()) if (row.id === resourceId) return true;
    return false;
  }

  async latestSecret(resourceId: string): Promise<ConnectionSecretEntity | null> {
    const cached = this.secrets.get(resourceId);
    if (cached !== undefined) return cached;
    const latest = await this.store.latestSecret(resourceId);
    if (await this.ownsResource(resourceId)) this.secrets.set(resourceId, latest);
    return latest;
  }

  async findSecret(resourceId: string, version: number): Promise<ConnectionSecretEntity | null> {
    const latest = this.secrets.get(resourceId);
    if (latest && latest.version === version) return latest;
    return this.store.findSecret(resourceId, version);
  }

  async insertSecret(
    row: Omit<ConnectionSecretEntity, 'id' | 'createdAt'>,
    now = new Date(),
  ): Promise<ConnectionSecretEntity> {
    const unwritten = this.unwrittenComponent(row.resourceId);
    // A secret refers to its resource's row: the row goes first.
    if (unwritten !== undefined) await this.insertUnwritten(unwritten, {}, now);
    const stored = await this.store.insertSecret(row, now);
    if (await this.ownsResource(row.resourceId)) this.secrets.set(row.resourceId, stored);
    return stored;
  }
}
