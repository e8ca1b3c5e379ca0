/**
 * Regular expressions the definitions use, each with the words a validation message shows instead of the pattern.
 */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
export const ENV_NAME_PATTERN = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
export const IPV4_CIDR_PATTERN =
  '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$';
export const IPV4_OR_CIDR_PATTERN =
  '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(/(3[0-2]|[12]?[0-9]))?$';
export const REGION_PATTERN = '^[a-z]{2,}(-[a-z0-9]+)+$';
/** Any cloud's zone name (zone-a, cn-hangzhou-h, us-east-1a, 2); a provider checks its own format (alicloud). */
export const ZONE_PATTERN = '^[A-Za-z0-9]([-_.A-Za-z0-9]{0,62}[A-Za-z0-9])?$';
export const QUANTITY_PATTERN = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
export const VERSION_PATTERN = '^[0-9]+(\\.[0-9]+)*$';
export const DB_IDENTIFIER_PATTERN = '^[a-z][a-z0-9_]{0,62}$';
export const ACCOUNT_NAME_PATTERN = '^[a-z][a-z0-9_]{1,31}$';
/** Alibaba Cloud's rule for kvstore accounts, so a document works on both providers. */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$';
export const CLOUD_ID_PATTERN = '^[a-z]+-[a-z0-9]+$';
export const INSTANCE_NAME_PATTERN = '^[a-zA-Z\\u4e00-\\u9fa5][-_.a-zA-Z0-9\\u4e00-\\u9fa5]{1,127}$';

/** The words of the shared patterns; a type's own patterns bring theirs (TypeDescriptor.patternHints). */
export const SHARED_PATTERN_HINTS: Readonly<Record<string, string>> = {
  [DNS_LABEL_PATTERN]:
    "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  [ENV_NAME_PATTERN]: "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit",
  [IPV4_CIDR_PATTERN]: 'an IPv4 CIDR block such as 10.0.0.0/16',
  [IPV4_OR_CIDR_PATTERN]: 'an IPv4 address or CIDR block such as 10.0.0.0/16',
  [REGION_PATTERN]: 'a region id such as cn-hangzhou',
  [ZONE_PATTERN]:
    "a zone name such as zone-a or cn-hangzhou-h: at most 64 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  [QUANTITY_PATTERN]: 'a Kubernetes quantity such as 500m, 1, 512Mi or 2Gi',
  [VERSION_PATTERN]: 'a version number such as 8.0',
  [DB_IDENTIFIER_PATTERN]:
    "a database name: lowercase letters, digits and '_', starting with a letter, at most 63 characters",
  [ACCOUNT_NAME_PATTERN]: "an account name: 2 to 32 lowercase letters, digits and '_', starting with a letter",
  [BUCKET_NAME_PATTERN]:
    "a bucket name: 3 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  [CLOUD_ID_PATTERN]: 'a cloud resource id such as vsw-bp1abc',
  [INSTANCE_NAME_PATTERN]: "an instance name: 2 to 128 letters, digits, '_', '-' and '.', starting with a letter",
};
