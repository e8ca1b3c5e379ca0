/** RFC 1123 label as Kubernetes uses it for names: lower-case alphanumerics and '-', at most 63 characters. */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return DNS_1123_LABEL.test(value);
}
