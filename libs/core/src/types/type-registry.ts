import { CodedError } from '../errors/coded.error';
import { closestMatch } from '../text/closest-match';
import type { ConnectionKeySpec } from './connection-key';
import type { TypeAlias, TypeCategory, TypeDescriptor } from './type-descriptor';

export enum TypeRegistryErrorCode {
  UnknownType = 'UNKNOWN_TYPE',
  DuplicateType = 'DUPLICATE_TYPE',
}

export class TypeRegistryError extends CodedError<TypeRegistryErrorCode> {}

/** A written type name resolved: its descriptor, and the KubeVela alias it was written as (if it was one). */
export interface ResolvedType {
  descriptor: TypeDescriptor;
  alias?: TypeAlias;
}

/**
 * The component types and traits a service knows, by canonical name and by KubeVela alias. Every question about a
 * type (is it a cloud type, which keys does it publish, how long may its step run) is asked here; a type the registry
 * does not know is an error, never a workload by default.
 */
export class TypeRegistry {
  private readonly byName = new Map<string, TypeDescriptor>();
  private readonly aliases = new Map<string, TypeAlias>();

  constructor(descriptors: readonly TypeDescriptor[] = []) {
    for (const descriptor of descriptors) this.register(descriptor);
  }

  register(descriptor: TypeDescriptor): this {
    const taken = (name: string) => this.byName.has(name) || this.aliases.has(name);
    if (taken(descriptor.name))
      throw new TypeRegistryError(TypeRegistryErrorCode.DuplicateType, `type ${descriptor.name} is registered twice`);
    for (const alias of descriptor.aliases ?? []) {
      if (taken(alias.alias) || alias.alias === descriptor.name)
        throw new TypeRegistryError(
          TypeRegistryErrorCode.DuplicateType,
          `alias ${alias.alias} of ${descriptor.name} is already a type or an alias`,
        );
      if (alias.canonical !== descriptor.name)
        throw new TypeRegistryError(
          TypeRegistryErrorCode.DuplicateType,
          `alias ${alias.alias} is registered with ${descriptor.name} but names ${alias.canonical}`,
        );
    }
    this.byName.set(descriptor.name, descriptor);
    for (const alias of descriptor.aliases ?? []) this.aliases.set(alias.alias, alias);
    return this;
  }

  /** By canonical name. */
  get(name: string): TypeDescriptor | undefined {
    return this.byName.get(name);
  }

  /** By canonical name; an unknown name is a TypeRegistryError naming it. */
  require(name: string): TypeDescriptor {
    const descriptor = this.byName.get(name);
    if (!descriptor) {
      const suggestion = this.closest(name);
      throw new TypeRegistryError(
        TypeRegistryErrorCode.UnknownType,
        `unknown type "${name}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      );
    }
    return descriptor;
  }

  byAlias(alias: string): TypeAlias | undefined {
    return this.aliases.get(alias);
  }

  /** A name as a user writes it: canonical or KubeVela alias. */
  resolve(written: string): ResolvedType | undefined {
    const alias = this.aliases.get(written);
    const descriptor = this.byName.get(alias?.canonical ?? written);
    if (!descriptor) return undefined;
    return alias ? { descriptor, alias } : { descriptor };
  }

  /** Registration order; only the given category when named. */
  list(category?: TypeCategory): TypeDescriptor[] {
    const all = [...this.byName.values()];
    return category ? all.filter((d) => d.category === category) : all;
  }

  names(category?: TypeCategory): string[] {
    return this.list(category).map((d) => d.name);
  }

  /** Every alias, of the given category's types when named. */
  aliasList(category?: TypeCategory): TypeAlias[] {
    return [...this.aliases.values()].filter((a) => !category || this.byName.get(a.canonical)!.category === category);
  }

  aliasesOf(name: string): string[] {
    return (this.byName.get(name)?.aliases ?? []).map((a) => a.alias);
  }

  /** The canonical name or alias closest to a misspelt one, of components unless a category is named. */
  closest(name: string, category?: TypeCategory): string | undefined {
    const candidates = category
      ? [...this.names(category), ...this.aliasList(category).map((a) => a.alias)]
      : [...this.byName.keys(), ...this.aliases.keys()];
    return closestMatch(name, candidates);
  }

  /** The category of a canonical type; unknown is an error. */
  categoryOf(type: string): TypeCategory {
    return this.require(type).category;
  }

  isCloud(type: string): boolean {
    return this.categoryOf(type) === 'cloud';
  }

  /** What a cloud type's connection secret holds ([] for workloads and traits). */
  connectionKeys(type: string): readonly ConnectionKeySpec[] {
    return this.require(type).connectionKeys ?? [];
  }

  isSensitiveKey(type: string, key: string): boolean {
    return this.connectionKeys(type).some((spec) => spec.name === key && spec.sensitive);
  }

  /** Cloud types that can rotate their credentials. */
  rotatable(): string[] {
    return this.list('cloud')
      .filter((d) => d.rotation)
      .map((d) => d.name);
  }

  /** Each type's own step timeout (ms), for those that name one. */
  stepTimeouts(): Record<string, number> {
    const timeouts: Record<string, number> = {};
    for (const descriptor of this.byName.values())
      if (descriptor.stepTimeoutMs !== undefined) timeouts[descriptor.name] = descriptor.stepTimeoutMs;
    return timeouts;
  }
}
