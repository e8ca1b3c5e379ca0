import type { EnvBindingPolicy, OverridePolicy, Policy, TopologyPolicy } from './policy-types';

/** The name of the topology and of the override that an env-binding env becomes: `<policy>-<env>`. */
export function envBindingPolicyName(policy: string, env: string): string {
  return `${policy}-${env}`;
}

/**
 * KubeVela's deprecated `env-binding` carried out by the same machinery: each env becomes a topology (its cluster
 * name, or its cluster labels; neither: the home environment) and an override (its patch and component selector), both named `<policy>-<env>`.
 */
export function expandEnvBinding(policy: EnvBindingPolicy): Array<TopologyPolicy | OverridePolicy> {
  return policy.envs.flatMap((env, j) => {
    const path = [...policy.path, 'envs', j];
    const name = envBindingPolicyName(policy.name, env.name);
    const { environment, labels, namespace } = env.placement;
    const topology: TopologyPolicy = {
      type: 'topology',
      name,
      path,
      fromEnvBinding: true,
      ...(environment ? { clusters: [environment] } : labels ? { clusterLabelSelector: labels } : {}),
      ...(namespace ? { namespace } : {}),
      allowEmpty: false,
    };
    const override: OverridePolicy = {
      type: 'override',
      name,
      path,
      fromEnvBinding: true,
      components: env.patch,
      ...(env.selector ? { selector: env.selector } : {}),
    };
    return [topology, override];
  });
}

/** The policies with every env-binding expanded in place, so deploy steps can name `<policy>-<env>`. */
export function expandPolicies(policies: readonly Policy[]): Policy[] {
  return policies.flatMap((policy) => (policy.type === 'env-binding' ? expandEnvBinding(policy) : [policy]));
}
