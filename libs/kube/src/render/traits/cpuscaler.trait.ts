import { addObject, componentName, invalid, objectMetadata } from '../workload-render';
import { bounds, handReplicasToAutoscaler, scaleTarget } from './hpa.trait';
import { type TraitRenderer } from './trait-renderer';

/** KubeVela's `cpuscaler`: a HorizontalPodAutoscaler, `min`/`max` replicas at `cpuUtil`% (50) CPU (autoscaling/v2: KubeVela's autoscaling/v1 object in the API version current clusters serve). */
export const cpuscalerTrait: TraitRenderer = {
  type: 'cpuscaler',
  appliesTo: ['Deployment'],
  apply(render, properties) {
    const { min, max } = bounds(render, 'cpuscaler', properties);
    const cpuUtil = properties.cpuUtil ?? 50;
    if (typeof cpuUtil !== 'number' || !Number.isInteger(cpuUtil) || cpuUtil < 1)
      throw invalid(`component "${componentName(render)}": trait cpuscaler: cpuUtil must be a whole percentage ≥ 1`);
    addObject(render, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: objectMetadata(render.request, componentName(render), componentName(render)),
      spec: {
        scaleTargetRef: scaleTarget(render, properties),
        minReplicas: min,
        maxReplicas: max,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuUtil } } },
        ],
      },
    });
    handReplicasToAutoscaler(render);
  },
};
