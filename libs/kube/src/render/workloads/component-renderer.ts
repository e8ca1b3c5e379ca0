import type { WorkloadRender } from '../workload-render';

/** How one component type becomes Kubernetes objects (before its traits): sets `workload` and fills `objects`. */
export interface ComponentRenderer {
  readonly type: string;
  render(render: WorkloadRender): void;
}
