import jsonMergePatch from 'json-merge-patch';
import { replaceWorkload } from './workload-patch';
import { ANY_KIND, type TraitRenderer } from './trait-renderer';

/** KubeVela's `json-merge-patch`: the trait's properties are an RFC 7386 merge patch of the workload object. */
export const jsonMergePatchTrait: TraitRenderer = {
  type: 'json-merge-patch',
  appliesTo: [ANY_KIND],
  apply(render, properties) {
    replaceWorkload(render, 'json-merge-patch', jsonMergePatch.apply(structuredClone(render.workload!), properties));
  },
};
