/**
 * Type names are data: the registry (TypeRegistry, assembled in @berth/types) says which exist and what each is.
 * These aliases only say what a string stands for.
 */
export type CloudComponentType = string;
export type WorkloadType = string;
export type ComponentType = string;
export type TraitType = string;
