import {
  canonicalJson,
  setPropertyAt,
  type ApplicationSpec,
  type ConnectionSecretMaterial,
  type JsonObject,
} from '@berth/core';
import type { ConnectionSecretEntity, ManagedResourceEntity, ResourceStore } from '@berth/persistence';
import { restoreSecrets, revisionAad, type ComponentSecrets } from './revision-secrets';
import type { SecretKeyring } from './secret-keyring';

/** The associated data a component's held secret inputs are sealed with (binds them to their component). */
export function inputsAad(environment: string, application: string, component: string): string {
  return `inputs:${environment}/${application}/${component}`;
}

/** The associated data a connection secret version is sealed with (binds it to its resource and version). */
export function connectionSecretAad(resourceId: string, version: number): string {
  return `secret:${resourceId}:${version}`;
}

export interface PublishedSecret {
  version: number;
  /** False when the latest version already held these values under this name (nothing was written). */
  published: boolean;
}

/**
 * Every sealed secret the broker keeps, opened and sealed in one place: the secret properties of a revision, the
 * secret inputs a component holds (a generated or rotated password), and the versions of connection secrets.
 */
export class SecretStore {
  constructor(
    private readonly keyring: SecretKeyring,
    private readonly resources: ResourceStore,
  ) {}

  /** This store over other resource reads and writes (one operation's view of its application). */
  over(resources: ResourceStore): SecretStore {
    return new SecretStore(this.keyring, resources);
  }

  /** The secret properties sealed with a revision, by component (empty when it had none). */
  revisionSecrets(
    environment: string,
    application: string,
    revision: { sealedSecrets: string | null } | null | undefined,
  ): ComponentSecrets {
    if (!revision?.sealedSecrets) return {};
    return this.keyring.openText(revision.sealedSecrets, revisionAad(environment, application)) as ComponentSecrets;
  }

  /** A stored (redacted) revision document with its sealed secret properties put back, and those secrets. */
  restoredRevision(
    environment: string,
    application: string,
    revision: { document: JsonObject; sealedSecrets: string | null },
  ): { document: JsonObject; secrets: ComponentSecrets } {
    const secrets = this.revisionSecrets(environment, application, revision);
    return { document: restoreSecrets(revision.document, secrets), secrets };
  }

  /**
   * A copy of the application whose secret properties are keyed digests: the planner hashes properties to decide
   * what changed, and a secret enters that hash only as a digest (never its value).
   */
  withDigestedSecrets(application: ApplicationSpec, secrets: ComponentSecrets): ApplicationSpec {
    const digested = structuredClone(application);
    for (const component of digested.components) {
      for (const [path, value] of Object.entries(secrets[component.name] ?? {}))
        setPropertyAt(component.properties, path, `digest:${this.keyring.digest(value)}`);
    }
    return digested;
  }

  /** The secret inputs a component's resource holds from before (empty when none). */
  heldInputs(
    environment: string,
    application: string,
    row: Pick<ManagedResourceEntity, 'component' | 'sealedInputs'> | null | undefined,
  ): Record<string, string> {
    if (!row?.sealedInputs) return {};
    return this.keyring.openText(row.sealedInputs, inputsAad(environment, application, row.component)) as Record<
      string,
      string
    >;
  }

  /** The sealed form of a component's secret inputs, as stored on its resource row. */
  sealInputs(environment: string, application: string, component: string, inputs: Record<string, string>): string {
    return this.keyring.sealToText(inputs, inputsAad(environment, application, component));
  }

  /** The values of one connection secret version. */
  open(secret: ConnectionSecretEntity): Record<string, string> {
    return this.keyring.open(secret, connectionSecretAad(secret.resourceId, secret.version)) as Record<string, string>;
  }

  /**
   * Publishes `data` as the resource's next connection secret version, unless the latest version already holds the
   * same values under the same name (a retried step, or an apply that changed nothing a workload would see).
   */
  async publish(
    resourceId: string,
    name: string,
    data: Record<string, string>,
    sensitiveKeys: readonly string[],
  ): Promise<PublishedSecret> {
    const latest = await this.resources.latestSecret(resourceId);
    if (latest && latest.name === name && canonicalJson(this.open(latest)) === canonicalJson(data)) {
      return { version: latest.version, published: false };
    }
    const version = (latest?.version ?? 0) + 1;
    const sealed = this.keyring.seal(data, connectionSecretAad(resourceId, version));
    await this.resources.insertSecret({
      resourceId,
      version,
      name,
      keyId: sealed.keyId,
      iv: sealed.iv,
      tag: sealed.tag,
      ciphertext: sealed.ciphertext,
      keys: Object.keys(data)
        .sort()
        .map((key) => ({ name: key, sensitive: sensitiveKeys.includes(key) })),
    });
    return { version, published: true };
  }

  /**
   * The latest connection secret of every cloud component still managed (non-retained), opened; with
   * `withValues: false` nothing sealed is opened and every value is empty (keys and versions are stored in clear);
   * with `name`, only the connection secret of that name (nothing else is opened).
   */
  async materials(
    environment: string,
    application: string,
    { withValues = true, name }: { withValues?: boolean; name?: string } = {},
  ): Promise<ConnectionSecretMaterial[]> {
    const rows = await this.resources.list(environment, application);
    const materials: ConnectionSecretMaterial[] = [];
    for (const row of rows) {
      if (row.category !== 'cloud' || row.retained || row.phase === 'Deleted') continue;
      const latest = await this.resources.latestSecret(row.id);
      if (!latest || (name !== undefined && latest.name !== name)) continue;
      materials.push({
        name: latest.name,
        component: row.component,
        version: latest.version,
        data: withValues ? this.open(latest) : Object.fromEntries(latest.keys.map((k) => [k.name, ''])),
        sensitiveKeys: latest.keys.filter((k) => k.sensitive).map((k) => k.name),
      });
    }
    return materials;
  }
}
