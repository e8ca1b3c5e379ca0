import type { EnvironmentRef, TopologyPolicy } from './policy-types';

/** The environment KubeVela calls the `local` cluster; an Application without a topology stays in its home. */
export const LOCAL_CLUSTER = 'local';

/**
 * The environments a topology selects, in the order written (`clusters`) or by name (`clusterLabelSelector`, which
 * selects every environment when empty). Names that are not environments are left out here and reported by
 * `checkPolicyReferences`.
 */
export function selectEnvironments(topology: TopologyPolicy, environments: readonly EnvironmentRef[]): string[] {
  const known = new Set(environments.map((environment) => environment.name));
  if (topology.clusters) return [...new Set(topology.clusters)].filter((name) => known.has(name));
  const selector = Object.entries(topology.clusterLabelSelector ?? {});
  return environments
    .filter((environment) => selector.every(([key, value]) => environment.labels[key] === value))
    .map((environment) => environment.name)
    .sort();
}
