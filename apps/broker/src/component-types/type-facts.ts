import {
  CONNECTION_KEYS,
  generatePassword,
  isCloudComponentType,
  type CloudComponentSpec,
  type CloudComponentType,
  type JsonObject,
} from '@berth/core';

/*
 * What the broker needs to know about component types, asked in this one place (the lifecycle steps, rotation and
 * plans never test a type name themselves): when the type registry of @berth/core lands, this file reads it instead.
 */

/** Whether a stored or submitted type name is a cloud component type (else: a workload). */
export function isCloudType(type: string): type is CloudComponentType {
  return isCloudComponentType(type);
}

/** The connection keys the type publishes (empty for a workload or an unknown type). */
export function connectionKeyNames(type: string): string[] {
  return isCloudType(type) ? CONNECTION_KEYS[type].map((key) => key.name) : [];
}

/** Properties that only travel to a provider as secretProperties (never in properties, status or events). */
const SECRET_INPUT_NAMES: readonly string[] = ['password'];

/** Which secret inputs a type takes, generated once when the application gives none and none is held. */
const GENERATED_INPUTS: Partial<Record<CloudComponentType, readonly string[]>> = { rds: ['password'] };

/** A component's properties without its secret inputs (what a request's `properties` and the status carry). */
export function publicProperties(component: Pick<CloudComponentSpec, 'properties'>): JsonObject {
  return Object.fromEntries(
    Object.entries(component.properties).filter(([name]) => !SECRET_INPUT_NAMES.includes(name)),
  ) as JsonObject;
}

/**
 * A component's secret inputs: each one the application gives (sealed with its revision), else the one held from
 * before, else generated once.
 */
export function secretInputsOf(
  component: Pick<CloudComponentSpec, 'type'>,
  given: Record<string, string> | undefined,
  held: Record<string, string>,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const name of GENERATED_INPUTS[component.type] ?? [])
    inputs[name] = given?.[name] ?? held[name] ?? generatePassword();
  return inputs;
}

/** The types whose credentials can be rotated (the rest carry none). */
const ROTATABLE_TYPES: readonly CloudComponentType[] = ['rds', 'oss'];

export function isRotatable(type: string): boolean {
  return (ROTATABLE_TYPES as readonly string[]).includes(type);
}

/** The rotatable type names, for messages ("rds, oss"). */
export function rotatableTypeNames(): readonly string[] {
  return ROTATABLE_TYPES;
}

/** Which connection key of a rotated secret becomes the held secret input, so the next apply keeps it. */
const HELD_INPUT_OF: Partial<Record<CloudComponentType, { input: string; key: string }>> = {
  rds: { input: 'password', key: 'DB_PASSWORD' },
};

export function heldInputOf(type: string): { input: string; key: string } | undefined {
  return isCloudType(type) ? HELD_INPUT_OF[type] : undefined;
}
