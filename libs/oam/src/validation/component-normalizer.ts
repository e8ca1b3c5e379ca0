import {
  closestMatchSuffix,
  isUnsupported,
  jsonPointer,
  type JsonObject,
  type TypeAlias,
  type TypeDescriptor,
  type ValidationProblem,
} from '@berth/core';
import { CLOUD_COMMON_FIELDS } from '@berth/types';
import {
  componentAliasNames,
  componentTypes,
  knownComponentTypeNames,
  resolveComponentType,
  traitTypeFor,
  traitTypes,
} from '../definitions/definition-registry';
import { dnsSubdomainProblem } from './dns-names';
import {
  CUSTOM_DEFINITION_NOTE,
  REFUSED_COMPONENT_TYPES,
  REFUSED_TRAIT_TYPES,
  refusalMessage,
} from '../dialect/kubevela-features';
import { cloneJson, describeType, hasOwn, isPlainObject, own, setOwn } from './json-values';
import { PathMap } from './path-map';
import { schemaPropertyNames, validateAgainstSchema } from './schema-validator';

export type Segment = string | number;

export interface NormalizedTrait {
  type: string;
  properties: JsonObject;
  /** Where the trait's properties are in the submitted document. */
  base: Segment[];
  valid: boolean;
}

/** One component after alias resolution, defaults and its own checks; cross-component checks come later. */
export interface ComponentRecord {
  index: number;
  base: Segment[];
  name?: string;
  writtenType?: string;
  definition?: TypeDescriptor;
  /** The KubeVela alias the type was written as, if it was one. */
  alias?: TypeAlias;
  /** Canonical properties with defaults; for cloud components including the common fields. */
  properties: JsonObject;
  paths: PathMap;
  /** Component-level dependsOn of a workload (cloud components keep theirs in properties). */
  workloadDependsOn: unknown[];
  traits: NormalizedTrait[];
  /** No problem was found in this component's own checks. */
  valid: boolean;
  /** The written type is a KubeVela feature Berth refuses by name (a reference to it says so). */
  refusedType?: boolean;
}

const COMPONENT_FIELDS = [
  'name',
  'type',
  'properties',
  'traits',
  'dependsOn',
  'writeConnectionSecretToRef',
  'deletionPolicy',
  'providerRef',
];
const TRAIT_FIELDS = ['type', 'properties'];
/** Properties meaningful only on cloud components (canonical and KubeVela names). */
const CLOUD_ONLY_PROPERTIES = [
  'writeConnectionSecretToRef',
  'deletionPolicy',
  'providerRef',
  'region',
  'deleteResource',
  'customRegion',
];

function knownTypesMessage(type: string): string {
  const canonical = componentTypes().map((d) => d.name);
  const aliases = componentAliasNames();
  return (
    `unknown component type "${type}" (${CUSTOM_DEFINITION_NOTE}); known types: ${canonical.join(', ')} ` +
    `(KubeVela aliases: ${aliases.join(', ')})${closestMatchSuffix(type, knownComponentTypeNames())}`
  );
}

/** The object at target[0]/target[1] of `canonical`, created on first use (e.g. the first vSwitch). */
function nestedItem(canonical: JsonObject, target: string[]): JsonObject {
  if (!Array.isArray(own(canonical, target[0]!))) setOwn(canonical, target[0]!, []);
  const list = canonical[target[0]!] as JsonObject[];
  return (list[Number(target[1])] ??= {});
}

class ComponentNormalizer {
  private readonly problems: ValidationProblem[] = [];
  private readonly record: ComponentRecord;
  private propertiesWritten = false;

  constructor(
    private readonly raw: JsonObject,
    index: number,
    private readonly sink: ValidationProblem[],
    private readonly warnings: ValidationProblem[],
  ) {
    const base = ['spec', 'components', index];
    this.record = {
      index,
      base,
      properties: {},
      paths: new PathMap([...base, 'properties']),
      workloadDependsOn: [],
      traits: [],
      valid: true,
    };
  }

  private warn(segments: Segment[], message: string): void {
    this.warnings.push({ path: jsonPointer(...this.record.base, ...segments), message });
  }

  private report(segments: Segment[], message: string): void {
    this.problems.push({ path: jsonPointer(...this.record.base, ...segments), message });
  }

  private reportProperty(canonical: Segment[], message: string): void {
    const segments = this.record.paths.segments(canonical);
    const properties = [...this.record.base, 'properties'];
    const underProperties = properties.every((s, i) => String(segments[i]) === String(s));
    if (!this.propertiesWritten && underProperties && segments.length > properties.length) {
      // No properties were written: point at where they belong and name the missing one in the message.
      const inner = segments.slice(properties.length).join('.');
      this.problems.push({ path: jsonPointer(...properties), message: `${inner} ${message}` });
      return;
    }
    this.problems.push({ path: jsonPointer(...segments), message });
  }

  run(): ComponentRecord {
    const { raw, record } = this;
    for (const key of Object.keys(raw)) {
      if (!COMPONENT_FIELDS.includes(key)) {
        this.report([key], `is not a known field of a component; known: ${COMPONENT_FIELDS.join(', ')}`);
      }
    }
    this.readName();
    this.readType();
    const written = own(raw, 'properties');
    let properties: JsonObject = {};
    if (written !== undefined && !isPlainObject(written))
      this.report(['properties'], `must be a mapping, found ${describeType(written)}`);
    else if (written !== undefined) {
      properties = written;
      this.propertiesWritten = true;
    }

    const definition = record.definition;
    if (definition?.category === 'cloud') {
      const alias = record.alias;
      record.properties = alias ? this.resolveAliases(alias, properties) : cloneJson(properties);
      if (alias) this.applyAliasDefaults(alias, properties);
      this.liftCommonFields();
      this.checkSchema(definition, alias);
      this.runChecks(definition);
    } else if (definition?.category === 'workload') {
      record.properties = cloneJson(properties);
      this.refuseCloudOnlyFields(definition);
      this.checkSchema(definition, undefined);
      this.runChecks(definition);
      const dependsOn = own(raw, 'dependsOn');
      if (dependsOn !== undefined) {
        if (!Array.isArray(dependsOn))
          this.report(['dependsOn'], `must be a list of component names, found ${describeType(dependsOn)}`);
        else record.workloadDependsOn = dependsOn;
      }
    }
    this.readTraits();
    record.valid = this.problems.length === 0;
    this.sink.push(...this.problems);
    return record;
  }

  private readName(): void {
    const name = own(this.raw, 'name');
    if (name === undefined) return this.report(['name'], 'is required');
    if (typeof name !== 'string') return this.report(['name'], `must be a string, found ${describeType(name)}`);
    this.record.name = name;
    // Berth derives longer names (connection secrets, cloud resources) from it: at most 63 characters.
    const problem = dnsSubdomainProblem(name, 63);
    if (problem) this.report(['name'], problem);
  }

  private readType(): void {
    const type = own(this.raw, 'type');
    if (type === undefined) return this.report(['type'], 'is required');
    if (typeof type !== 'string') return this.report(['type'], `must be a string, found ${describeType(type)}`);
    this.record.writtenType = type;
    const resolved = resolveComponentType(type);
    this.record.definition = resolved?.descriptor;
    if (resolved?.alias) this.record.alias = resolved.alias;
    if (this.record.definition) return;
    const refused = REFUSED_COMPONENT_TYPES.get(type);
    this.record.refusedType = true;
    this.report(['type'], refused ? refusalMessage(`component type "${type}"`, refused) : knownTypesMessage(type));
  }

  /** Renames KubeVela properties to canonical ones, remembering where each was written. */
  private resolveAliases(alias: TypeAlias, written: JsonObject): JsonObject {
    const canonical: JsonObject = {};
    const source = new Map<string, string>();
    const nestedTargets = new Set<string>();
    const propertiesBase = [...this.record.base, 'properties'];
    for (const key of Object.keys(written)) {
      const value = written[key];
      const mapping = alias.properties.get(key);
      if (mapping && isUnsupported(mapping)) {
        this.report(
          ['properties', key],
          `is a KubeVela property of ${alias.alias} that Berth does not support: ${mapping.unsupported}`,
        );
        continue;
      }
      let target: string[] = [key];
      let converted: unknown = cloneJson(value);
      if (mapping) {
        const conversion = mapping.convert ? mapping.convert(converted) : { value: converted };
        if ('problem' in conversion) {
          this.report(['properties', key], conversion.problem);
          continue;
        }
        if ('drop' in conversion || mapping.to.length === 0) continue;
        target = mapping.to;
        converted = conversion.value;
      }
      const top = target[0]!;
      const earlier = source.get(top);
      const nested = target.length > 1;
      const clash = nested
        ? earlier !== undefined && (!nestedTargets.has(top) || hasOwn(nestedItem(canonical, target), target[2]!))
        : earlier !== undefined;
      if (clash) {
        this.report(['properties', key], `conflicts with ${earlier} (both set ${top}); give only one`);
        continue;
      }
      source.set(top, key);
      if (!nested) setOwn(canonical, top, converted);
      else {
        // A nested target such as vswitches/0/cidr (alibaba-vswitch's flat properties).
        nestedTargets.add(top);
        setOwn(nestedItem(canonical, target), target[2]!, converted);
        this.record.paths.map(target.slice(0, 1), propertiesBase);
        this.record.paths.map(target.slice(0, 2), propertiesBase);
      }
      if (key !== top || target.length > 1) this.record.paths.map(target, [...propertiesBase, key]);
    }
    // A missing nested field (say the vSwitch zone) is reported under the flat name the user would write (zone_id).
    for (const [name, mapping] of alias.properties) {
      if (
        isUnsupported(mapping) ||
        mapping.to.length < 2 ||
        !nestedTargets.has(mapping.to[0]!) ||
        hasOwn(written, name)
      )
        continue;
      this.record.paths.map(mapping.to, [...propertiesBase, name]);
    }
    return canonical;
  }

  /**
   * KubeVela's module values for what the component leaves unset, so an alias component becomes what KubeVela would
   * create. A problem with a defaulted value points at the component's properties (it has no place of its own).
   */
  private applyAliasDefaults(alias: TypeAlias, written: JsonObject): void {
    const p = this.record.properties;
    const at = this.propertiesWritten ? [...this.record.base, 'properties'] : [...this.record.base];
    for (const entry of alias.defaults ?? []) {
      if (entry.when && !entry.when(p)) continue;
      if (entry.to.length === 1) {
        if (hasOwn(p, entry.to[0]!)) continue;
        setOwn(p, entry.to[0]!, cloneJson(entry.value));
      } else {
        const item = nestedItem(p, entry.to);
        if (hasOwn(item, entry.to[2]!)) continue;
        setOwn(item, entry.to[2]!, cloneJson(entry.value));
      }
      if (!hasOwn(written, entry.written)) this.record.paths.map(entry.to, at);
    }
    if (alias.canonical === 'rds' && !hasOwn(written, 'allocate_public_connection') && !hasOwn(p, 'publicConnection')) {
      setOwn(p, 'publicConnection', false);
      this.warn(
        this.propertiesWritten ? ['properties'] : [],
        "allocate_public_connection is unset: KubeVela's module defaults it to true, Berth to false (no public " +
          'endpoint and no DB_PUBLIC_HOST); set allocate_public_connection: true for one',
      );
    }
  }

  /** Moves writeConnectionSecretToRef, deletionPolicy, providerRef and dependsOn given at component level into properties. */
  private liftCommonFields(): void {
    const { raw, record } = this;
    for (const field of CLOUD_COMMON_FIELDS) {
      if (!hasOwn(raw, field)) continue;
      if (hasOwn(record.properties, field)) {
        this.reportProperty(
          [field],
          `is also given at component level (${jsonPointer(...record.base, field)}); give it once`,
        );
        continue;
      }
      setOwn(record.properties, field, cloneJson(raw[field]));
      record.paths.map([field], [...record.base, field]);
    }
  }

  private refuseCloudOnlyFields(definition: TypeDescriptor): void {
    const what = `${this.record.name ?? 'this component'} is a ${definition.name} (a workload)`;
    for (const field of ['writeConnectionSecretToRef', 'deletionPolicy', 'providerRef']) {
      if (hasOwn(this.raw, field)) this.report([field], `applies to cloud components only; ${what}`);
    }
    for (const field of CLOUD_ONLY_PROPERTIES) {
      if (hasOwn(this.record.properties, field)) {
        this.report(['properties', field], `applies to cloud components only; ${what}`);
        delete this.record.properties[field];
      }
    }
  }

  private checkSchema(definition: TypeDescriptor, alias: TypeAlias | undefined): void {
    const canonicalNames = schemaPropertyNames(definition);
    const topLevel = alias
      ? [
          ...new Set([
            ...[...alias.properties].filter(([, p]) => !isUnsupported(p)).map(([name]) => name),
            ...canonicalNames,
          ]),
        ]
      : canonicalNames;
    const label = this.record.writtenType ?? definition.name;
    for (const problem of validateAgainstSchema(definition, this.record.properties, { label, topLevel })) {
      this.reportProperty(problem.segments, problem.message);
    }
  }

  /** The type's own cross-field checks (its descriptor's), over the canonical properties. */
  /** Why a trait does not apply to this component's workload (KubeVela's appliesToWorkloads), or undefined. */
  private appliesToProblem(type: string, trait: TypeDescriptor): string | undefined {
    const kinds = trait.appliesToWorkloads;
    const workload = this.record.definition;
    if (!kinds || kinds.includes('*') || !workload) return undefined;
    const kind =
      typeof workload.workloadKind === 'function'
        ? workload.workloadKind(this.record.properties)
        : workload.workloadKind;
    if (kind !== undefined && kinds.includes(kind)) return undefined;
    const what =
      kind === undefined ? `${workload.name} has no single workload object` : `a ${workload.name} is a ${kind}`;
    return `trait ${type} applies to workloads of kind ${kinds.join(', ')}; ${what} (component ${this.record.name ?? ''})`;
  }

  private runChecks(definition: TypeDescriptor): void {
    for (const check of definition.checks ?? []) {
      for (const problem of check(this.record.properties)) this.reportProperty(problem.path, problem.message);
    }
  }

  private readTraits(): void {
    const { raw, record } = this;
    const traits = own(raw, 'traits');
    // `traits:` left empty is null in YAML: no traits, as KubeVela reads it.
    if (traits === undefined || traits === null) return;
    if (!Array.isArray(traits))
      return this.report(['traits'], `must be a list of traits, found ${describeType(traits)}`);
    const known = traitTypes().map((d) => d.name);
    traits.forEach((trait: unknown, j) => {
      const at = ['traits', j];
      if (!isPlainObject(trait)) return this.report(at, `must be a mapping (a trait), found ${describeType(trait)}`);
      for (const key of Object.keys(trait)) {
        if (!TRAIT_FIELDS.includes(key))
          this.report([...at, key], `is not a known field of a trait; known: ${TRAIT_FIELDS.join(', ')}`);
      }
      const type = own(trait, 'type');
      if (type === undefined) return this.report([...at, 'type'], 'is required');
      if (typeof type !== 'string')
        return this.report([...at, 'type'], `must be a string, found ${describeType(type)}`);
      const definition = traitTypeFor(type);
      if (!definition) {
        const refused = REFUSED_TRAIT_TYPES.get(type);
        return this.report(
          [...at, 'type'],
          refused
            ? refusalMessage(`trait type "${type}"`, refused)
            : `unknown trait type "${type}" (${CUSTOM_DEFINITION_NOTE}); known traits: ${known.join(', ')}${closestMatchSuffix(type, known)}`,
        );
      }
      if (record.definition?.category === 'cloud') {
        this.report(
          [...at, 'type'],
          `${type} applies to workloads only; ${record.name ?? 'this component'} is a cloud component (${record.definition.name})`,
        );
        return;
      }
      const refusal = this.appliesToProblem(type, definition);
      if (refusal) return this.report([...at, 'type'], refusal);
      const written = own(trait, 'properties') ?? {};
      if (!isPlainObject(written))
        return this.report([...at, 'properties'], `must be a mapping, found ${describeType(written)}`);
      const properties = cloneJson(written);
      const before = this.problems.length;
      for (const problem of validateAgainstSchema(definition, properties, {
        label: type,
        topLevel: schemaPropertyNames(definition),
      })) {
        if (hasOwn(trait, 'properties')) this.report([...at, 'properties', ...problem.segments], problem.message);
        else this.report(at, `properties.${problem.segments.join('.')} ${problem.message}`);
      }
      if (this.problems.length === before) {
        for (const problem of definition.checks?.flatMap((check) => check(properties)) ?? []) {
          if (hasOwn(trait, 'properties')) this.report([...at, 'properties', ...problem.path], problem.message);
          else this.report(at, `properties${problem.path.map((s) => `.${s}`).join('')}: ${problem.message}`);
        }
      }
      record.traits.push({
        type,
        properties,
        base: [...record.base, ...at, 'properties'],
        valid: this.problems.length === before,
      });
    });
  }
}

export function normalizeComponent(
  raw: unknown,
  index: number,
  problems: ValidationProblem[],
  warnings: ValidationProblem[] = [],
): ComponentRecord | undefined {
  if (!isPlainObject(raw)) {
    problems.push({
      path: jsonPointer('spec', 'components', index),
      message: `must be a mapping (a component), found ${describeType(raw)}`,
    });
    return undefined;
  }
  return new ComponentNormalizer(raw, index, problems, warnings).run();
}
