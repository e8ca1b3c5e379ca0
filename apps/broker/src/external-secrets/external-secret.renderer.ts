import type { ConnectionSecretMaterial } from '@berth/core';
import {
  ANNOTATION_SECRET_VERSION,
  LABEL_APPLICATION,
  LABEL_ENVIRONMENT,
  LABEL_MANAGED_BY,
  LABEL_OAM_NAME,
  MANAGED_BY,
  componentLabels,
  type KubeObject,
} from '@berth/kube';

/** The API group and version of the External Secrets Operator objects rendered (ESO 0.17 and later serve `v1`). */
export const ESO_API_VERSION = 'external-secrets.io/v1';

/** The JSONPath ESO's webhook provider extracts the value with, from the answer of the connection-secret key route. */
export const ESO_RESULT_JSON_PATH = '$.value';

/** The key of the Kubernetes Secret (created once by the user) that holds the token ESO calls Berth with. */
export const ESO_TOKEN_KEY = 'token';

export interface ExternalSecretsRequest {
  environment: string;
  application: string;
  namespace?: string;
  /** Berth's base URL as the cluster reaches it, without a trailing slash (e.g. `https://berth.example.com`). */
  berthUrl: string;
  secrets: readonly ConnectionSecretMaterial[];
}

/** Names of what the user creates once for the rendered SecretStore to work. */
export function externalSecretsNames(application: string) {
  return {
    store: `${application}-berth`,
    tokenSecret: `${application}-berth-token`,
  };
}

/** The path of the route ESO reads one key of one connection secret from (`{{ … }}` are ESO's template fields). */
export function connectionSecretKeyPath(environment: string, application: string, secret: string, key: string): string {
  return `/v1/environments/${environment}/applications/${application}/connection-secrets/${secret}/keys/${key}`;
}

/**
 * The GitOps form of an application's connection secrets without their values: one ESO `SecretStore` (webhook
 * provider) that reads from Berth with the token kept in `<app>-berth-token`, and per connection secret one
 * `ExternalSecret` whose target Secret has the connection secret's name and keys, so the workloads' `secretKeyRef`s
 * resolve once ESO has fetched the values. A new secret version changes the target template's annotation: ESO
 * re-reads at once instead of at the next refresh.
 */
export function renderExternalSecrets(request: ExternalSecretsRequest): KubeObject[] {
  const names = externalSecretsNames(request.application);
  const url =
    request.berthUrl +
    connectionSecretKeyPath(
      request.environment,
      request.application,
      '{{ .remoteRef.key }}',
      '{{ .remoteRef.property }}',
    );
  const store: KubeObject = {
    apiVersion: ESO_API_VERSION,
    kind: 'SecretStore',
    metadata: {
      name: names.store,
      ...(request.namespace ? { namespace: request.namespace } : {}),
      labels: {
        [LABEL_OAM_NAME]: request.application,
        [LABEL_ENVIRONMENT]: request.environment,
        [LABEL_APPLICATION]: request.application,
        [LABEL_MANAGED_BY]: MANAGED_BY,
      },
    },
    spec: {
      provider: {
        webhook: {
          url,
          method: 'GET',
          headers: { Accept: 'application/json', Authorization: 'Bearer {{ .auth.token }}' },
          result: { jsonPath: ESO_RESULT_JSON_PATH },
          secrets: [{ name: 'auth', secretRef: { name: names.tokenSecret, key: ESO_TOKEN_KEY } }],
          timeout: '10s',
        },
      },
    },
  };
  const externalSecrets = [...request.secrets]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((secret): KubeObject => {
      const version = { [ANNOTATION_SECRET_VERSION]: String(secret.version) };
      const labels = componentLabels(request.environment, request.application, secret.component);
      return {
        apiVersion: ESO_API_VERSION,
        kind: 'ExternalSecret',
        metadata: {
          name: secret.name,
          ...(request.namespace ? { namespace: request.namespace } : {}),
          labels,
          annotations: version,
        },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { kind: 'SecretStore', name: names.store },
          target: {
            name: secret.name,
            creationPolicy: 'Owner',
            template: { metadata: { labels, annotations: version } },
          },
          data: Object.keys(secret.data)
            .sort()
            .map((key) => ({ secretKey: key, remoteRef: { key: secret.name, property: key } })),
        },
      };
    });
  return [store, ...externalSecrets];
}
