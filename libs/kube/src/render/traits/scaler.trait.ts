import type { JsonObject } from '@berth/core';
import { invalid, componentName } from '../workload-render';
import { SCALABLE_KINDS, type TraitRenderer } from './trait-renderer';

/** KubeVela's `scaler`: `replicas` (default 1) on the Deployment. */
export const scalerTrait: TraitRenderer = {
  type: 'scaler',
  appliesTo: SCALABLE_KINDS,
  apply(render, properties) {
    const replicas = properties.replicas ?? 1;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
      throw invalid(`component "${componentName(render)}": trait scaler: replicas must be a whole number ≥ 0`);
    (render.workload!.spec as JsonObject).replicas = replicas;
  },
};
