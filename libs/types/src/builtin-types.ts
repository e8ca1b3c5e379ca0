import { TypeRegistry } from '@berth/core';
import { scalerType } from './scaler/scaler.type';
import { exposeType } from './expose/expose.type';
import { gatewayType } from './gateway/gateway.type';
import { ingressType } from './ingress/ingress.type';
import { labelsType } from './labels/labels.type';
import { annotationsType } from './annotations/annotations.type';
import { envType } from './env/env.type';
import { commandType } from './command/command.type';
import { resourceType } from './resource/resource.type';
import { sidecarType } from './sidecar/sidecar.type';
import { initContainerType } from './init-container/init-container.type';
import { storageType } from './storage/storage.type';
import { hpaType } from './hpa/hpa.type';
import { cpuscalerType } from './cpuscaler/cpuscaler.type';
import { serviceAccountType } from './service-account/service-account.type';
import { affinityType } from './affinity/affinity.type';
import { hostaliasType } from './hostalias/hostalias.type';
import { jsonPatchType } from './json-patch/json-patch.type';
import { jsonMergePatchType } from './json-merge-patch/json-merge-patch.type';
import { cronTaskType } from './cron-task/cron-task.type';
import { daemonType } from './daemon/daemon.type';
import { k8sObjectsType } from './k8s-objects/k8s-objects.type';
import { rawType } from './raw/raw.type';
import { refObjectsType } from './ref-objects/ref-objects.type';
import { ossType } from './oss/oss.type';
import { rdsType } from './rds/rds.type';
import { redisType } from './redis/redis.type';
import { SHARED_PATTERN_HINTS } from './shared/schema-patterns';
import { serviceBindingType } from './service-binding/service-binding.type';
import { slbType } from './slb/slb.type';
import { vpcType } from './vpc/vpc.type';
import { taskType, webserviceType, workerType } from './workloads/workload.types';

/** The types Berth is built with, one line each: cloud components, workloads, then traits (the order lists show). */
export const BUILTIN_TYPES: TypeRegistry = new TypeRegistry()
  .register(rdsType)
  .register(ossType)
  .register(slbType)
  .register(vpcType)
  .register(redisType)
  .register(webserviceType)
  .register(workerType)
  .register(taskType)
  .register(cronTaskType)
  .register(daemonType)
  .register(k8sObjectsType)
  .register(rawType)
  .register(refObjectsType)
  .register(serviceBindingType)
  .register(scalerType)
  .register(exposeType)
  .register(gatewayType)
  .register(ingressType)
  .register(labelsType)
  .register(annotationsType)
  .register(envType)
  .register(commandType)
  .register(resourceType)
  .register(sidecarType)
  .register(initContainerType)
  .register(storageType)
  .register(hpaType)
  .register(cpuscalerType)
  .register(serviceAccountType)
  .register(affinityType)
  .register(hostaliasType)
  .register(jsonPatchType)
  .register(jsonMergePatchType);

/** The words a validation message shows for each schema pattern: the shared ones and every type's own. */
export const PATTERN_HINTS: Readonly<Record<string, string>> = Object.assign(
  {},
  SHARED_PATTERN_HINTS,
  ...BUILTIN_TYPES.list().map((descriptor) => descriptor.patternHints ?? {}),
);
