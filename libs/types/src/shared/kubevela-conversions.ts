import type { AliasDefault, AliasProperty, Conversion, TypeAlias, UnsupportedAliasProperty } from '@berth/core';

/**
 * What the KubeVela aliases of every type share: conversions of the values KubeVela's terraform-alibaba addon writes,
 * and the properties it accepts on every component. Each type's own alias and property names are in its folder.
 */

export type AliasEntry = [string, AliasProperty | UnsupportedAliasProperty];

const keep = (value: unknown): Conversion => ({ value });

/** KubeVela writes `engine: MySQL`; Berth's engines are lowercase. */
export const lowercaseEnum =
  (allowed: string[]) =>
  (value: unknown): Conversion => {
    if (typeof value !== 'string') return { value };
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    return { value: match ?? value };
  };

/** Terraform variables are often strings ("20"); take digit-only strings as integers. */
export const integerFromString = (value: unknown): Conversion =>
  typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? { value: Number(value) } : { value };

/** Terraform's list(any) of IPs is sometimes written as one comma-separated string. */
export const ipList = (value: unknown): Conversion =>
  typeof value === 'string'
    ? {
        value: value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      }
    : { value };

/** `deleteResource: false` keeps the cloud resource when the component goes away. */
const deletionPolicyFromDeleteResource = (value: unknown): Conversion =>
  typeof value === 'boolean' ? { value: value ? 'Delete' : 'Retain' } : { problem: 'must be true or false' };

/** `createSlb: true` / `create_vpc: true` restate what Berth always does; false has no equivalent. */
export const mustBeTrue =
  (what: string) =>
  (value: unknown): Conversion => {
    if (value === true) return { drop: true };
    if (value === false)
      return { problem: `must be true: Berth always creates the ${what}; adopting an existing one is not supported` };
    return { problem: 'must be true or false' };
  };

export const rename = (
  to: string,
  description: string,
  convert: (value: unknown) => Conversion = keep,
): AliasProperty => ({
  to: [to],
  description,
  convert,
});

/** Properties KubeVela accepts on every terraform-alibaba component. */
const KUBEVELA_COMMON: AliasEntry[] = [
  [
    'deleteResource',
    rename('deletionPolicy', 'false keeps the resource (deletionPolicy Retain)', deletionPolicyFromDeleteResource),
  ],
  ['customRegion', rename('region', 'Region to create the resource in')],
];

/**
 * A KubeVela component type accepted for `canonical`, with its property names (plus the ones every terraform-alibaba
 * component takes). Canonical property names are accepted under an alias type too.
 */
export function kubeVelaAlias(
  name: string,
  canonical: string,
  entries: AliasEntry[],
  defaults: AliasDefault[] = [],
): TypeAlias {
  return { alias: name, canonical, properties: new Map([...entries, ...KUBEVELA_COMMON]), defaults };
}
