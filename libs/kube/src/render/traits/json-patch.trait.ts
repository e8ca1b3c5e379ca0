import { applyPatch, validate, type Operation } from 'fast-json-patch';
import { componentName, invalid } from '../workload-render';
import { replaceWorkload } from './workload-patch';
import { ANY_KIND, type TraitRenderer } from './trait-renderer';

/** KubeVela's `json-patch`: RFC 6902 `operations` applied to the workload object. */
export const jsonPatchTrait: TraitRenderer = {
  type: 'json-patch',
  appliesTo: [ANY_KIND],
  apply(render, properties) {
    const component = componentName(render);
    const operations = properties.operations;
    if (!Array.isArray(operations))
      throw invalid(`component "${component}": trait json-patch needs operations (a list of RFC 6902 operations)`);
    const document = structuredClone(render.workload!);
    const problem = validate(operations as Operation[], document);
    if (problem) {
      throw invalid(
        `component "${component}": trait json-patch: operations/${String(problem.index)} (${problem.operation?.op ?? '?'} ${problem.operation?.path ?? ''}): ${problem.message.split('\n')[0]}`,
      );
    }
    replaceWorkload(render, 'json-patch', applyPatch(document, operations as Operation[], false, true).newDocument);
  },
};
