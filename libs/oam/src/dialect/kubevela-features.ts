import { POLICY_TYPES } from '@berth/core';
/**
 * KubeVela features Berth does not carry out, by the name a KubeVela user writes, with the reason and (where one
 * exists) what to write instead. Validation refuses each of them by name instead of accepting and ignoring it.
 */

export interface RefusedFeature {
  /** Why Berth refuses it, phrased to follow `<name> is …`. */
  reason: string;
  /** What to use instead, when something exists. */
  instead?: string;
}

const NOT_YET = 'not carried out by Berth yet (environment-spanning delivery is planned)';

/** Component types of KubeVela (built in or from common addons) that Berth does not run. */
export const REFUSED_COMPONENT_TYPES: ReadonlyMap<string, RefusedFeature> = new Map([
  [
    'helm',
    {
      reason: 'a KubeVela component type (FluxCD addon) that Berth does not run: Berth does not install Helm charts',
      instead: 'render the chart with `helm template` and apply the objects as a k8s-objects component',
    },
  ],
  [
    'kustomize',
    {
      reason: 'a KubeVela component type (FluxCD addon) that Berth does not run: Berth does not build kustomizations',
      instead: 'run `kustomize build` and apply the objects as a k8s-objects component',
    },
  ],
  [
    'helmrelease',
    {
      reason: 'a KubeVela component type (FluxCD addon) that Berth does not run',
      instead: 'render the chart with `helm template` and apply the objects as a k8s-objects component',
    },
  ],
  [
    'kustomization',
    {
      reason: 'a KubeVela component type (FluxCD addon) that Berth does not run',
      instead: 'run `kustomize build` and apply the objects as a k8s-objects component',
    },
  ],
  [
    'terraform',
    {
      reason: 'a KubeVela component type (Terraform addon) that Berth does not run: Berth provisions its own types',
      instead: 'use one of the cloud types (rds, oss, slb, vpc or their alibaba-* aliases)',
    },
  ],
]);

/** Trait types of KubeVela that Berth knows of but does not carry out. */
export const REFUSED_TRAIT_TYPES: ReadonlyMap<string, RefusedFeature> = new Map([
  ['rollout', { reason: 'a KubeVela trait (kruise-rollout addon) that Berth does not run' }],
  ['kruise-rollout', { reason: 'a KubeVela trait (kruise-rollout addon) that Berth does not run' }],
  ['startup', { reason: 'a KubeVela trait that Berth does not run', instead: 'an init-container trait' }],
  [
    'container-image',
    { reason: 'a KubeVela trait that Berth does not run', instead: 'set image in the component properties' },
  ],
  [
    'container-ports',
    { reason: 'a KubeVela trait that Berth does not run', instead: 'set ports in the component properties' },
  ],
  ['topologyspreadconstraints', { reason: 'a KubeVela trait that Berth does not run', instead: 'an affinity trait' }],
  ['securitycontext', { reason: 'a KubeVela trait that Berth does not run' }],
  ['podsecuritycontext', { reason: 'a KubeVela trait that Berth does not run' }],
  ['nocalhost', { reason: 'a KubeVela trait (nocalhost addon) that Berth does not run' }],
  ['pure-ingress', { reason: 'a KubeVela trait that Berth does not run', instead: 'an ingress or gateway trait' }],
  ['https-route', { reason: 'a KubeVela trait (Gateway API) that Berth does not run', instead: 'a gateway trait' }],
  ['http-route', { reason: 'a KubeVela trait (Gateway API) that Berth does not run', instead: 'a gateway trait' }],
  ['tcp-route', { reason: 'a KubeVela trait (Gateway API) that Berth does not run' }],
  ['cpuscaler-v2', { reason: 'a KubeVela trait that Berth does not run', instead: 'an hpa or cpuscaler trait' }],
  ['keda-auto-scaler', { reason: 'a KubeVela trait (KEDA addon) that Berth does not run', instead: 'an hpa trait' }],
  ['k8s-update-strategy', { reason: 'a KubeVela trait that Berth does not run' }],
  [
    'ingress-1-20',
    {
      reason: 'a KubeVela trait (for Kubernetes 1.20) that Berth does not run',
      instead: 'an ingress trait: the same domain, http and class, as networking.k8s.io/v1',
    },
  ],
  ['volumes', { reason: 'a KubeVela trait (deprecated there) that Berth does not run', instead: 'a storage trait' }],
  ['pvc', { reason: 'a KubeVela trait (deprecated there) that Berth does not run', instead: 'a storage trait (pvc)' }],
]);

/**
 * Policy types Berth carries out (issue 13): a topology delivers the Application to the environments it selects,
 * an override changes what each delivery gets, an env-binding (deprecated in KubeVela) is both; garbage-collect
 * keeps a cloud component's resources (deletionPolicy Retain) where its rules keep them both when removed from the
 * spec and when the application is deleted (the broker refuses the combinations it cannot carry out);
 * shared-resource, apply-once and read-only decide how a delivery's cloud components are provisioned.
 */
export const CARRIED_OUT_POLICY_TYPES: ReadonlySet<string> = new Set(POLICY_TYPES);

/** Policy types of KubeVela that Berth does not carry out (yet). */
export const REFUSED_POLICY_TYPES: ReadonlyMap<string, RefusedFeature> = new Map([
  ['envbinding', { reason: 'not a KubeVela policy type', instead: 'env-binding (or topology and override)' }],
  ['replication', { reason: `a KubeVela policy ${NOT_YET}` }],
  ['take-over', { reason: 'a KubeVela policy Berth does not run: Berth does not adopt existing objects' }],
  ['resource-update', { reason: 'a KubeVela policy Berth does not run' }],
  ['debug', { reason: 'a KubeVela policy Berth does not run', instead: 'GET the application and its operations' }],
  ['health', { reason: 'a KubeVela policy Berth does not run: Berth reports health in the status it keeps' }],
]);

/** Fields of `spec` that KubeVela reads and Berth does not run (`workflow` is run by the broker: issue 13). */
export const REFUSED_SPEC_FIELDS: ReadonlyMap<string, RefusedFeature> = new Map();

export function refusalMessage(what: string, feature: RefusedFeature): string {
  return `${what} is ${feature.reason}${feature.instead ? `; instead: ${feature.instead}` : ''}`;
}

/** Unknown type names: KubeVela would look for a definition (CUE) of that name installed in the cluster. */
export const CUSTOM_DEFINITION_NOTE =
  'Berth runs only its built-in definitions; custom (CUE-defined) KubeVela definitions are not run';
