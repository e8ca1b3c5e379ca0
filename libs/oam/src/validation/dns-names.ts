/** DNS-1123 label: what Kubernetes requires of most object names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` is not a DNS-1123 label, or undefined when it is one. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63) return `must be at most 63 characters long (it has ${name.length})`;
  if (!DNS_LABEL.test(name)) {
    return "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * Why `name` is not a DNS-1123 subdomain (labels joined by dots, what Kubernetes accepts as the name of most objects
 * and KubeVela as a component name), or undefined when it is one. `max` caps the length where Berth derives longer
 * names from it.
 */
export function dnsSubdomainProblem(name: string, max = 253): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > max) return `must be at most ${max} characters long (it has ${name.length})`;
  if (!name.split('.').every((label) => label.length <= 63 && DNS_LABEL.test(label))) {
    return "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit";
  }
  return undefined;
}
