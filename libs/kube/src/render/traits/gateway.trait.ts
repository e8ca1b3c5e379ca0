import { renderIngress } from './component-ingress';
import { ANY_KIND, type TraitRenderer } from './trait-renderer';

/**
 * KubeVela's `gateway`: a Service for the `http` ports and an Ingress (networking.k8s.io/v1) on `domain`, class
 * `class` (default nginx) as annotation or in the spec (`classInSpec`), TLS from `secretName`.
 */
export const gatewayTrait: TraitRenderer = {
  type: 'gateway',
  appliesTo: [ANY_KIND],
  apply: (render, properties) => renderIngress(render, 'gateway', properties),
};
