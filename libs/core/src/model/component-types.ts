export const CLOUD_COMPONENT_TYPES = ['rds', 'oss', 'slb', 'vpc'] as const;
export const WORKLOAD_TYPES = ['webservice', 'worker', 'task'] as const;
export const TRAIT_TYPES = ['service-binding'] as const;

export type CloudComponentType = (typeof CLOUD_COMPONENT_TYPES)[number];
export type WorkloadType = (typeof WORKLOAD_TYPES)[number];
export type ComponentType = CloudComponentType | WorkloadType;
export type TraitType = (typeof TRAIT_TYPES)[number];

export function isCloudComponentType(type: string): type is CloudComponentType {
  return (CLOUD_COMPONENT_TYPES as readonly string[]).includes(type);
}

export function isWorkloadType(type: string): type is WorkloadType {
  return (WORKLOAD_TYPES as readonly string[]).includes(type);
}
