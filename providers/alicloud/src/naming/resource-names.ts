import type { NameRule } from '@berth/pulumi';

const DASHED = /[A-Za-z0-9-]/;
const DASHED_DOTTED = /[A-Za-z0-9._-]/;

/** Naming limits of the resources the programs create (from the Alibaba Cloud API references). */
export const NAME_RULES = {
  /** VPC, vSwitch, security group: 2..128, starts with a letter. */
  network: { maxLength: 128, allowed: DASHED_DOTTED, separator: '-', letterPrefix: 'b-' },
  /** RDS instance description: 2..256. */
  rdsInstance: { maxLength: 256, allowed: DASHED_DOTTED, separator: '-', letterPrefix: 'b-' },
  /** RDS database: 2..64 lower-case letters, digits, underscores; starts with a letter. */
  rdsDatabase: { maxLength: 64, allowed: /[a-z0-9_]/, separator: '_', lowercase: true, letterPrefix: 'db_' },
  /** RDS account: 2..32 lower-case letters, digits, underscores; starts with a letter. */
  rdsAccount: { maxLength: 32, allowed: /[a-z0-9_]/, separator: '_', lowercase: true, letterPrefix: 'u_' },
  /** RDS public connection prefix: 8..40 lower-case letters, digits, hyphens. */
  rdsConnectionPrefix: { maxLength: 40, allowed: /[a-z0-9-]/, separator: '-', lowercase: true, letterPrefix: 'b-' },
  /** OSS bucket: 3..63 lower-case letters, digits, hyphens; globally unique. */
  bucket: { maxLength: 63, allowed: /[a-z0-9-]/, separator: '-', lowercase: true },
  /** RAM user: 1..64 letters, digits, `.`, `_`, `-`. */
  ramUser: { maxLength: 64, allowed: DASHED_DOTTED, separator: '-' },
  /** RAM policy: 1..128 letters, digits, `-`. */
  ramPolicy: { maxLength: 128, allowed: DASHED, separator: '-' },
  /** SLB: 1..80. */
  slb: { maxLength: 80, allowed: DASHED_DOTTED, separator: '-' },
} satisfies Record<string, NameRule>;
