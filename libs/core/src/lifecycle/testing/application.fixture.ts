import type {
  ApplicationSpec,
  CloudComponentSpec,
  CloudComponentType,
  EnvBinding,
  JsonObject,
  WorkloadComponentSpec,
  WorkloadType,
} from '../../model';
import { TypeRegistry, type TypeDescriptor } from '../../types';

/** Test-only builders of normalized applications (what libs/oam produces). Not exported from @berth/core. */
export function cloud(
  name: string,
  type: CloudComponentType,
  options: Partial<Omit<CloudComponentSpec, 'name' | 'type' | 'kind'>> & { app?: string } = {},
): CloudComponentSpec {
  const { app = 'shop', ...rest } = options;
  return {
    kind: 'cloud',
    name,
    type,
    properties: {},
    dependsOn: [],
    traits: [],
    deletionPolicy: 'Delete',
    connectionSecretName: `${app}-${name}-conn`,
    ...rest,
  };
}

export function workload(
  name: string,
  bindings: Array<Partial<EnvBinding> & { secret: string; env: string }> = [],
  options: { type?: WorkloadType; dependsOn?: string[]; properties?: JsonObject } = {},
): WorkloadComponentSpec {
  return {
    kind: 'workload',
    name,
    type: options.type ?? 'webservice',
    properties: options.properties ?? { image: 'nginx:1.27' },
    dependsOn: options.dependsOn ?? [],
    traits: [],
    bindings: bindings.map((b) => ({ env: b.env, secret: b.secret, key: b.key ?? b.env })),
  };
}

export function application(components: ApplicationSpec['components'], name = 'shop'): ApplicationSpec {
  return { name, labels: {}, annotations: {}, components, policies: [] };
}

function testType(name: string, category: 'cloud' | 'workload', stepTimeoutMs?: number): TypeDescriptor {
  return {
    name,
    category,
    description: `${name} (test)`,
    schema: { type: 'object' },
    ...(stepTimeoutMs !== undefined ? { stepTimeoutMs } : {}),
  };
}

/** A registry of the shapes the planner tests use (core cannot see @berth/types): four cloud types, three workloads. */
export const TEST_TYPES = new TypeRegistry([
  testType('rds', 'cloud', 40 * 60_000),
  testType('oss', 'cloud', 5 * 60_000),
  testType('slb', 'cloud'),
  testType('vpc', 'cloud'),
  testType('webservice', 'workload'),
  testType('worker', 'workload'),
  testType('task', 'workload', 30 * 60_000),
]);
