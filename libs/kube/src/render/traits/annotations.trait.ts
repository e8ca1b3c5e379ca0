import { patchMetadata } from './labels.trait';
import { ANY_KIND, type TraitRenderer } from './trait-renderer';

/** KubeVela's `annotations`: a map of annotations on the workload and its pods. */
export const annotationsTrait: TraitRenderer = {
  type: 'annotations',
  appliesTo: [ANY_KIND],
  apply: (render, properties) => patchMetadata(render, 'annotations', properties),
};
