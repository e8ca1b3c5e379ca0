import { componentName, invalid } from '../workload-render';
import { renderIngress } from './component-ingress';
import { SCALABLE_KINDS, type TraitRenderer } from './trait-renderer';

/** KubeVela's older `ingress`: like `gateway` with a required `domain`; rendered as networking.k8s.io/v1. */
export const ingressTrait: TraitRenderer = {
  type: 'ingress',
  appliesTo: SCALABLE_KINDS,
  apply(render, properties) {
    if (typeof properties.domain !== 'string' || properties.domain === '')
      throw invalid(`component "${componentName(render)}": trait ingress needs domain`);
    renderIngress(render, 'ingress', properties);
  },
};
