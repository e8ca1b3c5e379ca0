import type { CloudComponentType, ComponentType, WorkloadType } from './component-types';

export type DeletionPolicy = 'Delete' | 'Retain';
export type JsonObject = Record<string, unknown>;

export interface TraitSpec {
  type: string;
  properties: JsonObject;
}

/** A service-binding mapping with its defaults resolved: the env var, and where its value comes from. */
export interface EnvBinding {
  env: string;
  /** Name of a connection secret or of a cloud component, as written in the Application. */
  secret: string;
  key: string;
}

interface ComponentBase {
  name: string;
  /** Canonical properties, defaults applied, KubeVela aliases resolved. */
  properties: JsonObject;
  dependsOn: string[];
  traits: TraitSpec[];
}

export interface CloudComponentSpec extends ComponentBase {
  kind: 'cloud';
  type: CloudComponentType;
  deletionPolicy: DeletionPolicy;
  /** Named provider profile overriding the environment's. */
  providerRef?: string;
  /** Secret name in the runtime; `<app>-<component>-conn` unless given. */
  connectionSecretName: string;
  /** `writeConnectionSecretToRef.namespace`: the Secret's namespace on the kubernetes runtime (else the runtime's). */
  connectionSecretNamespace?: string;
}

export interface WorkloadComponentSpec extends ComponentBase {
  kind: 'workload';
  type: WorkloadType;
  bindings: EnvBinding[];
}

export type ComponentSpec = CloudComponentSpec | WorkloadComponentSpec;

export interface PolicySpec {
  name: string;
  type: string;
  properties: JsonObject;
}

/** The normalized Application: what a revision stores and what the engine plans from. */
export interface ApplicationSpec {
  name: string;
  /** `metadata.namespace` as written: the Kubernetes namespace of its objects; not part of the identity. */
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  components: ComponentSpec[];
  policies: PolicySpec[];
}

export function isCloudComponent(component: ComponentSpec): component is CloudComponentSpec {
  return component.kind === 'cloud';
}

export function isWorkloadComponent(component: ComponentSpec): component is WorkloadComponentSpec {
  return component.kind === 'workload';
}

export function defaultConnectionSecretName(application: string, component: string): string {
  return `${application}-${component}-conn`;
}

export type { ComponentType };
