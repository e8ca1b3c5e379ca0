import type { CloudComponentType } from './component-types';

export interface ConnectionKeySpec {
  name: string;
  sensitive: boolean;
  description: string;
  /** Published only under a condition (e.g. DB_PUBLIC_HOST only for a public connection). */
  condition?: string;
}

/**
 * What each cloud type publishes into its connection secret. Key names follow KubeVela's terraform-alibaba addon so
 * existing `service-binding` mappings keep working. Sensitive keys never appear in status, logs or errors.
 */
export const CONNECTION_KEYS: Readonly<Record<CloudComponentType, readonly ConnectionKeySpec[]>> = {
  rds: [
    { name: 'DB_HOST', sensitive: false, description: 'Private host name of the database instance' },
    { name: 'DB_PORT', sensitive: false, description: 'Port the database listens on' },
    { name: 'DB_USER', sensitive: false, description: 'Account name' },
    { name: 'DB_PASSWORD', sensitive: true, description: 'Account password' },
    { name: 'DATABASE_NAME', sensitive: false, description: 'Name of the database' },
    { name: 'DB_NAME', sensitive: false, description: 'Name of the database (alias of DATABASE_NAME)' },
    { name: 'DB_ID', sensitive: false, description: 'Instance id' },
    { name: 'DB_URL', sensitive: true, description: 'Connection URL with credentials' },
    {
      name: 'DB_PUBLIC_HOST',
      sensitive: false,
      description: 'Public host name',
      condition: 'only when publicConnection is true',
    },
  ],
  oss: [
    { name: 'BUCKET_NAME', sensitive: false, description: 'Bucket name' },
    { name: 'BUCKET_ENDPOINT', sensitive: false, description: 'Public endpoint of the bucket' },
    { name: 'BUCKET_INTRANET_ENDPOINT', sensitive: false, description: 'Intranet endpoint of the bucket' },
    { name: 'OSS_REGION', sensitive: false, description: 'Region of the bucket' },
    { name: 'OSS_ACCESS_KEY_ID', sensitive: false, description: 'Access key id scoped to this bucket' },
    { name: 'OSS_ACCESS_KEY_SECRET', sensitive: true, description: 'Access key secret scoped to this bucket' },
  ],
  slb: [
    { name: 'SLB_ID', sensitive: false, description: 'Load balancer id' },
    { name: 'slbId', sensitive: false, description: 'Load balancer id (KubeVela alias of SLB_ID)' },
    { name: 'SLB_ADDRESS', sensitive: false, description: 'Address clients connect to' },
  ],
  vpc: [
    { name: 'VPC_ID', sensitive: false, description: 'VPC id' },
    { name: 'VPC_CIDR', sensitive: false, description: 'CIDR block of the VPC' },
    { name: 'VSWITCH_ID', sensitive: false, description: 'Id of the first vSwitch' },
    { name: 'VSWITCH_IDS', sensitive: false, description: 'Comma-separated ids of every vSwitch' },
  ],
};

export function isSensitiveConnectionKey(type: CloudComponentType, key: string): boolean {
  return CONNECTION_KEYS[type].some((spec) => spec.name === key && spec.sensitive);
}
