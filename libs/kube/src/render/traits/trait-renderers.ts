import { ProviderError, ProviderErrorCode, type TraitSpec } from '@berth/core';
import { componentName, type WorkloadRender } from '../workload-render';
import { affinityTrait } from './affinity.trait';
import { annotationsTrait } from './annotations.trait';
import { commandTrait } from './command.trait';
import { cpuscalerTrait } from './cpuscaler.trait';
import { envTrait } from './env.trait';
import { exposeTrait } from './expose.trait';
import { gatewayTrait } from './gateway.trait';
import { hostaliasTrait } from './hostalias.trait';
import { hpaTrait } from './hpa.trait';
import { ingressTrait } from './ingress.trait';
import { initContainerTrait } from './init-container.trait';
import { jsonMergePatchTrait } from './json-merge-patch.trait';
import { jsonPatchTrait } from './json-patch.trait';
import { labelsTrait } from './labels.trait';
import { resourceTrait } from './resource.trait';
import { scalerTrait } from './scaler.trait';
import { serviceAccountTrait } from './service-account.trait';
import { sidecarTrait } from './sidecar.trait';
import { storageTrait } from './storage.trait';
import { ANY_KIND, type TraitRenderer } from './trait-renderer';

/** Traits Berth carries out itself rather than by patching objects (bindings are resolved by the engine). */
const ENGINE_TRAITS = new Set(['service-binding']);

/** Every trait the Kubernetes renderer carries out, by type. */
export const TRAIT_RENDERERS: ReadonlyMap<string, TraitRenderer> = new Map(
  [
    scalerTrait,
    exposeTrait,
    gatewayTrait,
    ingressTrait,
    labelsTrait,
    annotationsTrait,
    envTrait,
    commandTrait,
    resourceTrait,
    sidecarTrait,
    initContainerTrait,
    storageTrait,
    hpaTrait,
    cpuscalerTrait,
    serviceAccountTrait,
    affinityTrait,
    hostaliasTrait,
    jsonPatchTrait,
    jsonMergePatchTrait,
  ].map((trait) => [trait.type, trait]),
);

/**
 * Applies a component's traits in the order written. A trait Berth does not render, or one on a workload kind it
 * does not apply to, is refused with the reason.
 */
export function applyTraits(render: WorkloadRender, traits: readonly TraitSpec[]): void {
  const component = componentName(render);
  for (const trait of traits) {
    if (ENGINE_TRAITS.has(trait.type)) continue;
    const renderer = TRAIT_RENDERERS.get(trait.type);
    if (!renderer) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `component "${component}": trait "${trait.type}" is not one Berth renders`,
      );
    }
    const kind = render.workload?.kind;
    if (!renderer.appliesTo.includes(ANY_KIND) && (kind === undefined || !renderer.appliesTo.includes(kind))) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `component "${component}": trait "${trait.type}" applies to ${renderer.appliesTo.join(', ')} workloads; the component's workload is ${kind ? `a ${kind}` : 'missing'}`,
      );
    }
    renderer.apply(render, trait.properties ?? {});
  }
}
