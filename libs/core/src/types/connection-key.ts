/** One key a cloud type publishes into its connection secret. Sensitive keys never appear in status, logs or errors. */
export interface ConnectionKeySpec {
  name: string;
  sensitive: boolean;
  description: string;
  /** Published only under a condition (e.g. DB_PUBLIC_HOST only for a public connection). */
  condition?: string;
}
