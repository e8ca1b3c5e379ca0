import type { ComponentRenderer } from './component-renderer';
import { cronTaskRenderer } from './cron-task.renderer';
import { daemonRenderer } from './daemon.renderer';
import { k8sObjectsRenderer } from './k8s-objects.renderer';
import { rawRenderer } from './raw.renderer';
import { refObjectsRenderer } from './ref-objects.renderer';
import { taskRenderer } from './task.renderer';
import { webserviceRenderer } from './webservice.renderer';
import { workerRenderer } from './worker.renderer';

/** Every workload component type the Kubernetes renderer renders, by type. */
export const COMPONENT_RENDERERS: ReadonlyMap<string, ComponentRenderer> = new Map(
  [
    webserviceRenderer,
    workerRenderer,
    taskRenderer,
    cronTaskRenderer,
    daemonRenderer,
    k8sObjectsRenderer,
    rawRenderer,
    refObjectsRenderer,
  ].map((renderer) => [renderer.type, renderer]),
);
