/* eslint-disable @typescript-eslint/no-explicit-any -- specs walk into untyped manifest JSON */
import type { ConnectionSecretMaterial, ResolvedEnvVar, TraitSpec, WorkloadComponentSpec } from '@berth/core';
import type { KubeObject } from '../render/kube-object';
import { renderManifests } from '../render/manifest.renderer';
import type { RenderRequest } from '../render/workload-render';

/** A workload component as the engine hands it over (type is a string: KubeVela's types beyond core's three). */
export function workloadSpec(
  name: string,
  type: string,
  properties: Record<string, unknown>,
  traits: TraitSpec[] = [],
): WorkloadComponentSpec {
  return {
    kind: 'workload',
    name,
    type,
    properties,
    dependsOn: [],
    traits,
    bindings: [],
  } as unknown as WorkloadComponentSpec;
}

export interface RenderFixtureOptions {
  env?: ResolvedEnvVar[];
  secrets?: ConnectionSecretMaterial[];
  namespace?: string;
  referencedObjects?: RenderRequest['referencedObjects'];
}

/** Renders components of one application `shop` in environment `staging`, namespace `team-a`. */
export function renderComponents(
  components: WorkloadComponentSpec[],
  options: RenderFixtureOptions = {},
  includeSecrets = true,
): KubeObject[] {
  return renderManifests(
    {
      environment: 'staging',
      application: 'shop',
      namespace: options.namespace ?? 'team-a',
      secrets: options.secrets ?? [],
      referencedObjects: options.referencedObjects,
      workloads: components.map((component) => ({
        component,
        env: options.env ?? [],
        bindingsChecksum: 'checksum',
      })),
    },
    { includeSecrets },
  ).objects;
}

export function findObject(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
): KubeObject & Record<string, any> {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object)
    throw new Error(
      `${kind}/${name} not rendered; got ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return object as KubeObject & Record<string, any>;
}
